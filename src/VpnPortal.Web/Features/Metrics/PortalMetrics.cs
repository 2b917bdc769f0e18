using System.Diagnostics;
using System.Diagnostics.Metrics;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Metrics;

/// <summary>
/// The portal's meter and the instruments recorded where things happen: agent reports, commands, notification
/// deliveries. Figures that are database state are observable gauges in <see cref="FleetGauges"/>. Every label takes a
/// bounded set of values (roles, outcomes, command kinds, channel kinds): never a user, an address or a thumbprint.
/// </summary>
public sealed class PortalMetrics
{
    public const string MeterName = "VpnPortal";

    private static readonly double[] SnapshotSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] DeliverySeconds = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600];

    private readonly Counter<long> _snapshots;
    private readonly Histogram<double> _snapshotSeconds;
    private readonly Counter<long> _commandsQueued;
    private readonly Counter<long> _commandsDelivered;
    private readonly Histogram<double> _commandDeliverySeconds;
    private readonly Counter<long> _commandsCompleted;
    private readonly Counter<long> _outboxAttempts;

    public PortalMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _snapshots = Meter.CreateCounter<long>(
            "vpnportal.agent.snapshots", "{snapshot}", "Agent reports received, by server role and outcome (applied, ignored as replayed, refused as invalid).");
        _snapshotSeconds = Meter.CreateHistogram(
            "vpnportal.agent.snapshot.duration", "s", "Time to apply an agent report to the database (reports that were written).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SnapshotSeconds });
        _commandsQueued = Meter.CreateCounter<long>("vpnportal.agent.commands.queued", "{command}", "Commands queued for agents, by kind.");
        _commandsDelivered = Meter.CreateCounter<long>(
            "vpnportal.agent.commands.delivered", "{command}", "Commands handed to agents, by kind (a redelivery after an unanswered one counts again).");
        _commandDeliverySeconds = Meter.CreateHistogram(
            "vpnportal.agent.command.delivery.duration", "s", "Time from queueing a command to its first delivery to the agent.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DeliverySeconds });
        _commandsCompleted = Meter.CreateCounter<long>(
            "vpnportal.agent.commands.completed", "{command}", "Commands that reached a final state (succeeded, failed, expired, cancelled).");
        _outboxAttempts = Meter.CreateCounter<long>(
            "vpnportal.outbox.delivery.attempts", "{attempt}", "Notification delivery attempts, by channel kind and outcome (delivered, failed, gave_up).");
    }

    /// <summary>The meter every portal instrument belongs to, gauges included.</summary>
    public Meter Meter { get; }

    /// <summary>One agent report, and for one that was written, how long applying it took.</summary>
    public void SnapshotReceived(ServerRole role, SnapshotOutcome outcome, TimeSpan? applying = null)
    {
        var tags = new TagList { { "role", Label(role) }, { "outcome", Label(outcome) } };
        _snapshots.Add(1, tags);
        if (applying is { } elapsed)
        {
            _snapshotSeconds.Record(elapsed.TotalSeconds, new TagList { { "role", Label(role) } });
        }
    }

    public void CommandQueued(string kind) => _commandsQueued.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>A command handed to its agent; the wait since it was queued is recorded for its first delivery only.</summary>
    public void CommandDelivered(string kind, int delivery, TimeSpan sinceQueued)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        _commandsDelivered.Add(1, tag);
        if (delivery == 1)
        {
            _commandDeliverySeconds.Record(Math.Max(0, sinceQueued.TotalSeconds), tag);
        }
    }

    public void CommandsCompleted(AgentCommandStatus status, int count = 1)
    {
        if (count > 0)
        {
            _commandsCompleted.Add(count, new KeyValuePair<string, object?>("state", Label(status)));
        }
    }

    /// <summary>One attempt at a notification on <paramref name="channel"/> ("email", "in-portal", "webhook:{id}").</summary>
    public void NotificationAttempt(string channel, OutboxState outcome) =>
        _outboxAttempts.Add(1, new TagList { { "channel", ChannelKind(channel) }, { "outcome", Label(outcome) } });

    /// <summary>The channel's kind: a webhook's id would make one series per webhook, for no reader's benefit.</summary>
    public static string ChannelKind(string channel) =>
        channel.StartsWith(Notifications.NotificationChannels.WebhookPrefix, StringComparison.Ordinal) ? "webhook" : channel.Replace('-', '_');

    /// <summary>An enum value as a label value: <c>NeverSeen</c> is <c>never_seen</c>, <c>Ikev2</c> is <c>ikev2</c>.</summary>
    public static string Label(Enum value)
    {
        var name = value.ToString();
        var label = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1]))
            {
                label.Append('_');
            }

            label.Append(char.ToLowerInvariant(name[i]));
        }

        return label.ToString();
    }
}

/// <summary>What became of an agent report.</summary>
public enum SnapshotOutcome
{
    /// <summary>Written to the database.</summary>
    Applied,

    /// <summary>Not newer than the last one applied (replayed or out of order): nothing written.</summary>
    Ignored,

    /// <summary>Malformed or invalid: answered with 400, nothing written.</summary>
    Refused,
}
