using Microsoft.AspNetCore.Http.HttpResults;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Audit;

/// <summary>Reading the audit log. There is deliberately no endpoint that changes or removes an entry.</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", QueryAsync)
            .WithName("QueryAuditLog")
            .WithSummary("Audit entries, newest first, filtered and paged (take at most 500).")
            .WithDescription("action matches a prefix (e.g. 'rras-server.'); actor matches part of the name or the user id; entityType and entityId match exactly; "
                + "from is inclusive and to exclusive (ISO 8601 instants); text matches part of the summary.")
            .RequireAuthorization(Policies.ApiAdmin);
        return api;
    }

    private static async Task<Results<Ok<QueryAuditLog.AuditPage>, ValidationProblem>> QueryAsync(
        QueryAuditLog auditLog,
        string? action,
        string? actor,
        string? entityType,
        string? entityId,
        DateTimeOffset? from,
        DateTimeOffset? to,
        string? text,
        int? skip,
        int? take,
        CancellationToken ct)
    {
        var query = new QueryAuditLog.Query(action, actor, entityType, entityId, from, to, text, skip ?? 0, take ?? 100);
        var errors = QueryAuditLog.Validate(query);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["filter"] = [.. errors] });
        }

        return TypedResults.Ok(await auditLog.RunAsync(query, ct));
    }
}
