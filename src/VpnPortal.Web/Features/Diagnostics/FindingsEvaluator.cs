using Microsoft.Extensions.Options;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Jobs;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// Evaluates the rules after reports: for the servers that reported (at most once per
/// <see cref="DiagnosticsOptions.MinSecondsBetweenEvaluations"/>, reports in between folded into the next pass), and
/// for the whole fleet on the sweep, since expiry findings move with time alone.
/// </summary>
public sealed class FindingsEvaluator(IServiceScopeFactory scopes, FleetEvents events, ILogger<FindingsEvaluator> logger, IOptions<DiagnosticsOptions> options)
    : FleetReactor(scopes, events, logger, TimeSpan.FromSeconds(options.Value.SweepSeconds))
{
    private readonly FleetEvents _events = events;

    /// <summary>Reports arriving meanwhile wait in the queue and are evaluated together in the next pass.</summary>
    protected override TimeSpan PauseAfterRun => TimeSpan.FromSeconds(options.Value.MinSecondsBetweenEvaluations);

    protected override bool Wants(FleetChange change) => change.Kind == FleetChangeKind.ServerReported;

    public override async Task RunAsync(IServiceProvider services, IReadOnlySet<Guid>? serverIds, CancellationToken ct)
    {
        var outcome = await services.GetRequiredService<EvaluateFindings>().RunAsync(serverIds, ct);
        if (outcome.Opened + outcome.Resolved > 0)
        {
            logger.LogInformation("Diagnostics: {Opened} finding(s) opened, {Resolved} resolved, {Open} open on the servers evaluated", outcome.Opened, outcome.Resolved, outcome.Open);
        }

        // Open dashboards and server pages re-read only where something opened or resolved.
        foreach (var server in outcome.Changed)
        {
            _events.Publish(new FleetChange(FleetChangeKind.FindingsChanged, server));
        }
    }
}
