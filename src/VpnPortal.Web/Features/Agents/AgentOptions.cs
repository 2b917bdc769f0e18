using System.ComponentModel.DataAnnotations;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Web.Features.Agents;

/// <summary>Settings of the agent protocol (section "Agents").</summary>
public sealed class AgentOptions
{
    public const string Section = "Agents";

    /// <summary>How often agents send a full snapshot; also the unit of online/late/offline.</summary>
    [Range(5, 3600)]
    public int ReportIntervalSeconds { get; set; } = AgentRoutes.DefaultReportIntervalSeconds;

    /// <summary>Snapshots larger than this are refused with a 400 and nothing is written.</summary>
    [Range(16 * 1024, 256 * 1024 * 1024)]
    public int MaxSnapshotBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Default lifetime of an enrollment token.</summary>
    [Range(1, 7 * 24 * 60)]
    public int EnrollmentTokenMinutes { get; set; } = 60;

    /// <summary>How long a queued command waits for its agent to collect it before it expires.</summary>
    [Range(10, 7 * 24 * 3600)]
    public int CommandDeliverWithinSeconds { get; set; } = 15 * 60;

    /// <summary>How long after queueing an agent may still start a command.</summary>
    [Range(10, 7 * 24 * 3600)]
    public int CommandExecuteWithinSeconds { get; set; } = 20 * 60;

    /// <summary>How long connection samples and ended sessions are kept for the dashboard's history.</summary>
    [Range(1, 3650)]
    public int HistoryRetentionDays { get; set; } = 30;

    public TimeSpan ReportInterval => TimeSpan.FromSeconds(ReportIntervalSeconds);
}
