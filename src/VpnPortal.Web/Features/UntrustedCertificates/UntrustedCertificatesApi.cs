using System.Text;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.UntrustedCertificates;

public static class UntrustedCertificatesApi
{
    /// <summary>
    /// The body of <c>POST /api/v1/untrusted-certificates</c>: the certificate (base64 DER or PEM text) or the SHA-1
    /// thumbprint of a certificate the portal knows, an optional reason, and whether to disconnect the device now.
    /// </summary>
    public sealed record UntrustRequest(string? Certificate, string? Sha1Thumbprint, string? Reason, bool? DisconnectSessions);

    private const string Example = "{\"sha1Thumbprint\": \"3F2A…\", \"reason\": \"laptop stolen\", \"disconnectSessions\": true} or {\"certificate\": \"MIIC…\"}";

    public static RouteGroupBuilder MapUntrustedCertificatesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/untrusted-certificates", async (ListUntrustedCertificates list, CancellationToken ct) => Results.Ok(await list.RunAsync(ct)))
            .WithName("ListUntrustedCertificates")
            .WithSummary("The untrusted set: per certificate its placement (\"3 of 3\": RRAS servers with an agent that list it in Untrusted Certificates) and each server's state and reason; and the drift history.")
            .RequireAuthorization(Policies.ApiOperator);

        api.MapPost("/untrusted-certificates", async (HttpRequest http, UntrustCertificate untrust, CurrentActor actor, CancellationToken ct) =>
            {
                var (body, problem) = await Api.JsonBody.ReadAsync<UntrustRequest>(http, null, Example, ct);
                if (body is null)
                {
                    return problem!;
                }

                byte[]? file = null;
                if (!string.IsNullOrWhiteSpace(body.Certificate))
                {
                    file = Decode(body.Certificate);
                    if (file is null)
                    {
                        return Results.Problem(statusCode: 400, title: "certificate is neither PEM text (-----BEGIN CERTIFICATE-----) nor base64 DER.");
                    }
                }

                var result = await untrust.RunAsync(
                    new UntrustCertificate.Request(file, "The certificate", body.Sha1Thumbprint, body.Reason, body.DisconnectSessions ?? false), actor.Current, ct);
                return result.Status switch
                {
                    CommandStatus.Ok => Results.Json(result.Done, statusCode: StatusCodes.Status201Created),
                    CommandStatus.NotFound => Results.Problem(statusCode: 404, title: result.Error),
                    CommandStatus.Conflict => Results.Problem(statusCode: 409, title: result.Error),
                    _ => Results.Problem(statusCode: 400, title: result.Error),
                };
            })
            .WithName("UntrustCertificate")
            .WithSummary("Untrust a device certificate on every RRAS server (its Untrusted Certificates store), from base64 DER or PEM text, or an inventory certificate's SHA-1; optionally disconnect the device's sessions.")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapDelete("/untrusted-certificates/{thumbprint}", async (string thumbprint, RemoveUntrustedCertificate remove, CurrentActor actor, CancellationToken ct) =>
            {
                var result = await remove.RunAsync(thumbprint, null, null, actor.Current, ct);
                return result.Status switch
                {
                    CommandStatus.Ok => Results.Json(result.Removing, statusCode: result.Removing!.LeftTheSet ? StatusCodes.Status200OK : StatusCodes.Status202Accepted),
                    CommandStatus.NotFound => Results.Problem(statusCode: 404, title: result.Error),
                    CommandStatus.Conflict => Results.Problem(statusCode: 409, title: result.Error),
                    _ => Results.Problem(statusCode: 400, title: result.Error),
                };
            })
            .WithName("RemoveUntrustedCertificate")
            .WithSummary("Take a certificate out of the untrusted set: it is removed from Untrusted Certificates on every RRAS server that lists it (202 while that runs, 200 when none did).")
            .RequireAuthorization(Policies.ApiAdmin);
        return api;
    }

    /// <summary>PEM text as its bytes, base64 as the DER it encodes; null for anything else. What the bytes hold is the loader's business.</summary>
    private static byte[]? Decode(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Contains("-----BEGIN ", StringComparison.Ordinal))
        {
            return Encoding.ASCII.GetBytes(trimmed);
        }

        var buffer = new byte[trimmed.Length];
        return Convert.TryFromBase64String(trimmed, buffer, out var written) ? buffer[..written] : null;
    }
}
