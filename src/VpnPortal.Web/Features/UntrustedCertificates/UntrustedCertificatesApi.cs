using System.Text;
using VpnPortal.Web.Features.Api;
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

    /// <summary>The body of <c>POST /api/v1/untrusted-certificates/{sha1}/adopt</c>: an optional reason.</summary>
    public sealed record AdoptRequest(string? Reason);

    /// <summary>The body of <c>POST /api/v1/untrusted-certificates/{sha1}/remove-from-server</c>: the server, by id or name.</summary>
    public sealed record RemoveFromServerRequest(string? Server);

    public static RouteGroupBuilder MapUntrustedCertificatesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/untrusted-certificates", async (ListUntrustedCertificates list, CancellationToken ct) => Results.Ok(await list.RunAsync(ct)))
            .WithName("ListUntrustedCertificates")
            .WithSummary("The untrusted set: per certificate its placement (\"3 of 3\": RRAS servers with an agent that list it in Untrusted Certificates) and each server's state and reason; " +
                "the drift history; and under \"held\" what servers hold in Untrusted Certificates that the portal did not put there.")
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
                return result.Answer(done => Results.Json(done, statusCode: StatusCodes.Status201Created));
            })
            .WithName("UntrustCertificate")
            .WithSummary("Untrust a device certificate on every RRAS server (its Untrusted Certificates store), from base64 DER or PEM text, or an inventory certificate's SHA-1; optionally disconnect the device's sessions.")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapDelete("/untrusted-certificates/{thumbprint}", async (string thumbprint, RemoveUntrustedCertificate remove, CurrentActor actor, CancellationToken ct) =>
                (await remove.RunAsync(thumbprint, null, null, actor.Current, ct))
                    .Answer(removing => Results.Json(removing, statusCode: removing.LeftTheSet ? StatusCodes.Status200OK : StatusCodes.Status202Accepted)))
            .WithName("RemoveUntrustedCertificate")
            .WithSummary("Take a certificate out of the untrusted set: it is removed from Untrusted Certificates on every RRAS server that lists it (202 while that runs, 200 when none did).")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapPost("/untrusted-certificates/{thumbprint}/adopt", async (string thumbprint, HttpRequest http, AdoptUntrustedCertificate adopt, CurrentActor actor, CancellationToken ct) =>
            {
                var (body, problem) = await Api.JsonBody.ReadAsync<AdoptRequest>(http, null, "{\"reason\": \"found on VPN01, keep it everywhere\"}", ct);
                if (body is null)
                {
                    return problem!;
                }

                var result = await adopt.RunAsync(thumbprint, body.Reason, actor.Current, ct);
                return result.Answer(done => Results.Json(done, statusCode: StatusCodes.Status201Created));
            })
            .WithName("AdoptUntrustedCertificate")
            .WithSummary("Adopt a certificate that servers hold in Untrusted Certificates without the portal having put it there (listed under \"held\"): " +
                "it joins the untrusted set and is kept on every RRAS server. {\"reason\": \"...\"} (optional reason).")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapPost("/untrusted-certificates/{thumbprint}/remove-from-server", async (string thumbprint, HttpRequest http, RemoveHeldCertificate remove, CurrentActor actor, CancellationToken ct) =>
            {
                var (body, problem) = await Api.JsonBody.ReadAsync<RemoveFromServerRequest>(http, null, "{\"server\": \"VPN01\"}", ct);
                if (body is null)
                {
                    return problem!;
                }

                var result = await remove.RunAsync(thumbprint, body.Server, actor.Current, ct);
                return result.Answer(queued => Results.Json(queued, statusCode: StatusCodes.Status202Accepted));
            })
            .WithName("RemoveHeldCertificateFromServer")
            .WithSummary("Queue the removal of a certificate the portal does not manage from one server's Untrusted Certificates store (listed under \"held\"): " +
                "{\"server\": \"VPN01\"} (id or name). 202: the agent removes it; the next report shows it gone.")
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
