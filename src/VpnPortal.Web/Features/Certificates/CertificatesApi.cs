using Microsoft.AspNetCore.Http.HttpResults;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Certificates;

public static class CertificatesApi
{
    public static RouteGroupBuilder MapCertificatesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/certificates", ListAsync)
            .WithName("ListCertificates")
            .WithSummary("Certificates known to the portal, soonest expiry first. search: subject, SAN, issuer or a thumbprint fragment; " +
                "filter: all, expired, expiring (within 30 days) or untrusted; sort: expiry, subject, issuer or servers (descending=true to reverse); take at most 500.")
            .RequireAuthorization(Policies.ApiOperator);
        return api;
    }

    private static async Task<Results<Ok<ListCertificates.Page>, ValidationProblem>> ListAsync(
        ListCertificates certificates, string? search, string? filter, string? sort, bool? descending, int? skip, int? take, CancellationToken ct)
    {
        // Parsed here rather than bound as enums: the framework's enum binding is case-sensitive and answers a bare 400.
        var errors = new Dictionary<string, string[]>();
        var f = Parse(filter, CertificateFilter.All, nameof(filter), errors);
        var s = Parse(sort, CertificateSort.Expiry, nameof(sort), errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await certificates.RunAsync(new(search, f, skip ?? 0, take ?? 100, s, descending ?? false), ct));
    }

    private static T Parse<T>(string? value, T fallback, string name, Dictionary<string, string[]> errors)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (Enum.TryParse<T>(value.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _))
        {
            return parsed;
        }

        errors[name] = [$"Use one of: {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}."];
        return fallback;
    }
}
