using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Domain.Diagnostics;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Diagnostics;

public static class FindingsApi
{
    public static RouteGroupBuilder MapFindingsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/findings", ListAsync)
            .WithName("ListFindings")
            .WithSummary("Diagnostics findings, worst and newest first. server: id or name; rule: a rule id; severity: info, warning or critical " +
                "(that or worse); state: open (default), resolved or all; skip, take (1 to 500).")
            .RequireAuthorization(Policies.ApiOperator);
        return api;
    }

    private static async Task<IResult> ListAsync(
        PortalDbContext db, string? server, string? rule, string? severity, string? state, string? skip, string? take, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        Guid? serverId = null;
        if (!string.IsNullOrWhiteSpace(server))
        {
            var name = server.Trim();
            serverId = Guid.TryParse(name, out var id)
                ? await db.Servers.Where(s => s.Id == id).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct)
                : await db.Servers.Where(s => s.Name.ToUpper() == name.ToUpper()).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct);
            if (serverId is null)
            {
                errors[nameof(server)] = [$"There is no server '{(name.Length > 80 ? name[..80] + "…" : name)}'."];
            }
        }

        FindingSeverity? minimum = null;
        if (!string.IsNullOrWhiteSpace(severity))
        {
            if (Enum.TryParse<FindingSeverity>(severity.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(severity, out _))
            {
                minimum = parsed;
            }
            else
            {
                errors[nameof(severity)] = ["severity is info, warning or critical."];
            }
        }

        var stateValue = string.IsNullOrWhiteSpace(state) ? "open" : state.Trim().ToLowerInvariant();
        if (stateValue is not ("open" or "resolved" or "all"))
        {
            errors[nameof(state)] = ["state is open, resolved or all."];
        }

        if (rule?.Length > 64)
        {
            errors[nameof(rule)] = ["rule is a rule id of at most 64 characters."];
        }

        var s = Number(skip, 0, 0, int.MaxValue, nameof(skip), errors);
        var t = Number(take, 100, 1, ListFindings.MaxTake, nameof(take), errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await new ListFindings(db).RunAsync(new ListFindings.Query(serverId, rule, minimum, stateValue, s, t), ct));
    }

    private static int Number(string? value, int fallback, int min, int max, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        errors[name] = [$"{name} must be a whole number from {min} to {max}."];
        return fallback;
    }
}
