using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// /export/findings.csv: the findings the diagnostics page's filters show (server by name, rule, severity, state, as in
/// its address), in its order, for Admin and OnCall (as the page).
/// </summary>
public static class FindingsExport
{
    public static readonly IReadOnlyList<string> Header =
    [
        "Severity", "Finding", "Rule", "Servers", "Opened (UTC)", "Last seen (UTC)", "Resolved (UTC)", "Acknowledged by", "Acknowledged (UTC)",
        "Acknowledgement reason", "Suppressed until (UTC)", "Summary",
    ];

    public static RouteGroupBuilder MapFindingsExport(this RouteGroupBuilder group)
    {
        group.MapGet("/findings.csv", ExportAsync).RequireAuthorization(Policies.Operator);
        return group;
    }

    /// <summary>The state filter as the page reads it: open unless another known state is named.</summary>
    public static string StateOf(string? state) => ListFindings.States.Contains(state ?? "") ? state! : "open";

    private static async Task<IResult> ExportAsync(
        ListFindings list, TimeProvider time, string? server, string? rule, string? severity, string? state, string? sort, CancellationToken ct)
    {
        var (query, error) = await list.FilterAsync(server, rule, severity, state, sort, ct);
        if (query is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [nameof(server)] = [error!] });
        }

        return CsvFile.Result("findings", time.GetUtcNow(), Header, list.StreamAsync(query, ct), f =>
        [
            f.Severity, f.Title, f.RuleId, f.ServerName, CsvFile.Time(f.OpenedAt), CsvFile.Time(f.LastSeenAt), CsvFile.Time(f.ResolvedAt),
            f.Acknowledged?.By, CsvFile.Time(f.Acknowledged?.At), f.Acknowledged?.Reason, CsvFile.Time(f.Suppressed?.ExpiresAt), f.Summary,
        ]);
    }
}
