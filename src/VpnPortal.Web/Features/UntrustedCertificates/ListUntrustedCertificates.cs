using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Agents;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.Features.UntrustedCertificates;

/// <summary>
/// The untrusted set with where each certificate stands on each RRAS server: "in place on N of M servers" and, for
/// every server where it is not, why (offline agent, failed import, queued...). M counts RRAS servers whose agent is
/// enrolled and not revoked; servers entered by hand are listed as "no agent" and not counted.
/// </summary>
public sealed class ListUntrustedCertificates(PortalDbContext db, TimeProvider time, IOptions<AgentOptions> options)
{
    /// <summary>How many drift events the history shows, newest first.</summary>
    public const int DriftHistoryCount = 100;

    /// <summary>
    /// One server's side of one certificate. State is one of: in-place, removed (taken out, for a certificate being
    /// removed), queued, delivered, waiting-for-report, failed, expired, offline, never-reported, no-agent, agent-revoked.
    /// </summary>
    public sealed record ServerState(Guid ServerId, string ServerName, string State, string Reason, bool Counted, bool Done);

    /// <summary>A certificate missing from a server's Disallowed store after it had been confirmed there.</summary>
    public sealed record DriftEvent(Guid CertificateId, string Subject, string Sha1Thumbprint, Guid ServerId, string ServerName, DateTimeOffset DetectedAt, DateTimeOffset? CorrectedAt);

    /// <summary>
    /// One certificate of the set. State is "untrusted" or "removing"; Placement reads "3 of 3" (servers where it is in
    /// Disallowed, of the counted servers); Problems name each counted server that is not done, with the reason.
    /// </summary>
    public sealed record Item(
        Guid Id,
        Guid CertificateId,
        string Sha1Thumbprint,
        string Subject,
        string? DeviceName,
        DateTimeOffset NotAfter,
        string? Reason,
        DateTimeOffset AddedAt,
        string? AddedBy,
        string State,
        DateTimeOffset? RemovalRequestedAt,
        int InPlace,
        int Servers,
        string Placement,
        string Summary,
        IReadOnlyList<string> Problems,
        IReadOnlyList<ServerState> ServerStates,
        IReadOnlyList<DriftEvent> Drift,
        Guid Version);

    /// <summary>
    /// The set, the number of counted servers, the latest drift events (certificates since removed included), and what
    /// servers hold in Untrusted Certificates that the portal did not put there.
    /// </summary>
    public sealed record Overview(IReadOnlyList<Item> Items, int Servers, IReadOnlyList<DriftEvent> DriftHistory, IReadOnlyList<HeldItem> Held);

    /// <summary>
    /// One server holding a certificate outside the set. State is held, removal-queued, removal-delivered,
    /// waiting-for-report (removed, not reported yet), removal-failed, no-agent or agent-revoked; CanRemove says whether
    /// a removal can be queued now.
    /// </summary>
    public sealed record HeldOn(Guid ServerId, string ServerName, string ServerRole, DateTimeOffset Since, string State, string Reason, bool CanRemove);

    /// <summary>A certificate some servers hold in Untrusted Certificates without the portal having put it there.</summary>
    public sealed record HeldItem(
        Guid CertificateId, string Sha1Thumbprint, string Subject, string? DeviceName, DateTimeOffset NotAfter, bool IsCertificateAuthority, IReadOnlyList<HeldOn> Servers);

    private sealed record Server(Guid Id, string Name, DateTimeOffset? LastReportAt, bool HasAgent, DateTimeOffset? LastSeenAt, DateTimeOffset? RevokedAt);

    private sealed record Placement(Guid ServerId, DateTimeOffset? ConfirmedAt, Command? Last);

    private sealed record Command(string Kind, AgentCommandStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string? ResultMessage);

    public async Task<Overview> RunAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var entries = await db.UntrustedCertificates.AsNoTracking()
            .OrderByDescending(u => u.AddedAt).ThenBy(u => u.Id)
            .Select(u => new
            {
                u.Id,
                u.CertificateId,
                u.Certificate!.Sha1Thumbprint,
                u.Certificate.Subject,
                u.Certificate.SubjectAlternativeNames,
                u.Certificate.NotAfter,
                u.Reason,
                u.AddedAt,
                AddedBy = db.Users.Where(p => p.Id == u.AddedByUserId).Select(p => p.DisplayName != "" ? p.DisplayName : p.UserName).FirstOrDefault(),
                u.RemovalRequestedAt,
                u.Version,
            })
            .ToListAsync(ct);

        var servers = (await db.RrasServers.AsNoTracking()
                .Select(s => new Server(s.Id, s.Name, s.LastReportAt, s.Agent != null, s.Agent!.LastSeenAt, s.Agent!.RevokedAt))
                .ToListAsync(ct))
            .OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var counted = servers.Count(Counts);
        var history = await DriftAsync(null, DriftHistoryCount, ct);
        var held = await HeldAsync(ct);
        if (entries.Count == 0)
        {
            return new Overview([], counted, history, held);
        }

        var certificateIds = entries.Select(e => e.CertificateId).ToArray();
        var entryIds = entries.Select(e => e.Id).ToArray();
        var present = (await db.CertificateLocations.AsNoTracking()
                .Where(l => l.Store == CertificateStoreName.Disallowed && certificateIds.Contains(l.CertificateId))
                .Select(l => new { l.CertificateId, l.ServerId, l.FirstSeenAt })
                .ToListAsync(ct))
            .ToDictionary(l => (l.CertificateId, l.ServerId), l => l.FirstSeenAt);
        var placements = (await db.UntrustedCertificatePlacements.AsNoTracking()
                .Where(p => entryIds.Contains(p.UntrustedCertificateId))
                .Select(p => new
                {
                    p.UntrustedCertificateId,
                    p.ServerId,
                    p.ConfirmedAt,
                    Last = p.LastCommand == null
                        ? null
                        : new Command(p.LastCommand.Kind, p.LastCommand.Status, p.LastCommand.CreatedAt, p.LastCommand.CompletedAt, p.LastCommand.ResultMessage),
                })
                .ToListAsync(ct))
            .ToDictionary(p => (p.UntrustedCertificateId, p.ServerId), p => new Placement(p.ServerId, p.ConfirmedAt, p.Last));
        var drift = (await db.UntrustedCertificateDrifts.AsNoTracking()
                .Where(d => certificateIds.Contains(d.CertificateId))
                .OrderByDescending(d => d.DetectedAt)
                .Select(d => new DriftEvent(d.CertificateId, d.Certificate!.Subject, d.Certificate.Sha1Thumbprint, d.ServerId, d.Server!.Name, d.DetectedAt, d.CorrectedAt))
                .ToListAsync(ct))
            .ToLookup(d => d.CertificateId);

        var items = new List<Item>();
        foreach (var e in entries)
        {
            var removing = e.RemovalRequestedAt is not null;
            var states = servers.Select(s =>
                {
                    var here = present.TryGetValue((e.CertificateId, s.Id), out var since);
                    placements.TryGetValue((e.Id, s.Id), out var placement);
                    var open = drift[e.CertificateId].FirstOrDefault(d => d.ServerId == s.Id && d.CorrectedAt is null);
                    return Describe(s, removing, here ? since : null, placement, open, now);
                })
                .ToList();
            var inPlace = servers.Count(s => Counts(s) && present.ContainsKey((e.CertificateId, s.Id)));
            var problems = states.Where(s => s.Counted && !s.Done).Select(s => $"{s.ServerName}: {s.Reason}").ToList();
            var placementText = $"{inPlace} of {counted}";
            var summary = removing
                ? (inPlace == 0 ? "removed from every server; leaving the set" : $"being removed: still on {inPlace} of {counted} {Servers(counted)}")
                : $"in place on {inPlace} of {counted} {Servers(counted)}";
            items.Add(new Item(
                e.Id, e.CertificateId, e.Sha1Thumbprint, e.Subject, DeviceNames.Of(e.Subject, e.SubjectAlternativeNames), e.NotAfter, e.Reason,
                e.AddedAt, e.AddedBy, removing ? "removing" : "untrusted", e.RemovalRequestedAt, inPlace, counted, placementText, summary,
                problems, states, drift[e.CertificateId].ToList(), e.Version));
        }

        return new Overview(items, counted, history, held);
    }

    /// <summary>What servers hold in Untrusted Certificates outside the set, with any removal an admin asked for since.</summary>
    private async Task<List<HeldItem>> HeldAsync(CancellationToken ct)
    {
        var locations = await HeldCertificates.Unmanaged(db).AsNoTracking()
            .Select(l => new
            {
                l.CertificateId,
                l.Certificate!.Sha1Thumbprint,
                l.Certificate.Subject,
                l.Certificate.SubjectAlternativeNames,
                l.Certificate.NotAfter,
                l.Certificate.IsCertificateAuthority,
                l.ServerId,
                ServerName = l.Server!.Name,
                l.Server.Role,
                l.Server.LastReportAt,
                l.FirstSeenAt,
                HasAgent = l.Server.Agent != null,
                RevokedAt = l.Server.Agent == null ? null : l.Server.Agent.RevokedAt,
            })
            .ToListAsync(ct);
        if (locations.Count == 0)
        {
            return [];
        }

        var serverIds = locations.Select(l => l.ServerId).Distinct().ToArray();
        var removals = (await DisallowedCommands.ReadAsync(
                db.AgentCommands.AsNoTracking().Where(c => c.Kind == AgentCommandKinds.RemoveCertificate && serverIds.Contains(c.ServerId)), ct))
            .ToLookup(c => (c.ServerId, c.Sha1Thumbprint));
        return locations
            .GroupBy(l => l.CertificateId)
            .Select(g => (Certificate: g.First(), Locations: g))
            .Select(g => new HeldItem(
                g.Certificate.CertificateId, g.Certificate.Sha1Thumbprint, g.Certificate.Subject, DeviceNames.Of(g.Certificate.Subject, g.Certificate.SubjectAlternativeNames),
                g.Certificate.NotAfter, g.Certificate.IsCertificateAuthority,
                g.Locations.OrderBy(l => l.ServerName, StringComparer.OrdinalIgnoreCase)
                    .Select(l =>
                    {
                        // The removal asked for since the server began holding it, if any.
                        var last = removals[(l.ServerId, g.Certificate.Sha1Thumbprint)].Where(c => c.CreatedAt >= l.FirstSeenAt).MaxBy(c => c.CreatedAt);
                        var role = l.Role == ServerRole.Nps ? "nps" : "rras";
                        var since = $"in Untrusted Certificates since {Utc(l.FirstSeenAt)}, not put there by the portal";
                        if (!l.HasAgent)
                        {
                            return new HeldOn(l.ServerId, l.ServerName, role, l.FirstSeenAt, "no-agent", $"{since}; no agent to remove it", false);
                        }

                        if (l.RevokedAt is not null)
                        {
                            return new HeldOn(l.ServerId, l.ServerName, role, l.FirstSeenAt, "agent-revoked", $"{since}; its agent is revoked", false);
                        }

                        return last?.Status switch
                        {
                            AgentCommandStatus.Queued => new HeldOn(l.ServerId, l.ServerName, role, l.FirstSeenAt, "removal-queued", $"removal queued by {Utc(last.CreatedAt)}, waiting for the agent", false),
                            AgentCommandStatus.Delivered => new HeldOn(l.ServerId, l.ServerName, role, l.FirstSeenAt, "removal-delivered", "removal delivered, waiting for the agent's answer", false),
                            AgentCommandStatus.Succeeded when !(l.LastReportAt > last.CompletedAt) =>
                                new HeldOn(l.ServerId, l.ServerName, role, l.FirstSeenAt, "waiting-for-report", "removed, waiting for the server's next report", false),
                            AgentCommandStatus.Failed or AgentCommandStatus.Expired =>
                                new HeldOn(l.ServerId, l.ServerName, role, l.FirstSeenAt, "removal-failed", $"{since}; the removal {(last.Status == AgentCommandStatus.Failed ? $"failed: {last.ResultMessage ?? "the agent gave no reason"}" : "expired: the agent did not answer in time")}", true),
                            _ => new HeldOn(l.ServerId, l.ServerName, role, l.FirstSeenAt, "held", since, true),
                        };
                    })
                    .ToList()))
            .OrderBy(h => h.Subject, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>The latest drift events, of one certificate or of all (certificates since removed from the set included).</summary>
    public Task<List<DriftEvent>> DriftAsync(Guid? certificateId, int take, CancellationToken ct = default) =>
        db.UntrustedCertificateDrifts.AsNoTracking()
            .Where(d => certificateId == null || d.CertificateId == certificateId)
            .OrderByDescending(d => d.DetectedAt).ThenBy(d => d.Id)
            .Take(take)
            .Select(d => new DriftEvent(d.CertificateId, d.Certificate!.Subject, d.Certificate.Sha1Thumbprint, d.ServerId, d.Server!.Name, d.DetectedAt, d.CorrectedAt))
            .ToListAsync(ct);

    /// <summary>Servers whose agent can take commands: only these count toward M.</summary>
    private static bool Counts(Server s) => s.HasAgent && s.RevokedAt is null;

    private ServerState Describe(Server s, bool removing, DateTimeOffset? inPlaceSince, Placement? placement, DriftEvent? openDrift, DateTimeOffset now)
    {
        if (!s.HasAgent)
        {
            return new(s.Id, s.Name, "no-agent", "no agent: entered by hand, so the portal can neither check nor change its stores (not counted)", false, false);
        }

        if (s.RevokedAt is not null)
        {
            return new(s.Id, s.Name, "agent-revoked", "agent revoked: enroll the server again to include it (not counted)", false, false);
        }

        if (!removing && inPlaceSince is { } since)
        {
            return new(s.Id, s.Name, "in-place", $"in Untrusted Certificates (reported since {Utc(placement?.ConfirmedAt ?? since)})", true, true);
        }

        if (removing && inPlaceSince is null)
        {
            return new(s.Id, s.Name, "removed", "not in Untrusted Certificates", true, true);
        }

        var verb = removing ? "removal" : "import";
        var drifted = openDrift is null ? "" : $"removed from the store on the server (noticed {Utc(openDrift.DetectedAt)}); pushing it again: ";
        var last = placement?.Last is { } l && l.Kind == (removing ? AgentCommandKinds.RemoveCertificate : AgentCommandKinds.ImportCertificate) ? l : null;
        var presence = AgentPresence.Classify(s.LastSeenAt, s.RevokedAt, now, options.Value.ReportInterval);
        if (presence == AgentPresenceState.Offline)
        {
            var pending = last?.Status is AgentCommandStatus.Queued or AgentCommandStatus.Delivered ? $" ({verb} queued)" : "";
            return new(s.Id, s.Name, "offline", $"{drifted}agent offline since {Utc(s.LastSeenAt!.Value)}{pending}", true, false);
        }

        if (s.LastReportAt is null)
        {
            return new(s.Id, s.Name, "never-reported", "waiting for the agent's first report", true, false);
        }

        var (state, reason) = last?.Status switch
        {
            null => ("queued", $"{verb} about to be queued"),
            AgentCommandStatus.Queued => ("queued", "queued, waiting for the agent"),
            AgentCommandStatus.Delivered => ("delivered", $"{verb} delivered, waiting for the agent's answer"),
            AgentCommandStatus.Succeeded => ("waiting-for-report", $"{(removing ? "removed" : "imported")}, waiting for the server's next report"),
            AgentCommandStatus.Failed => ("failed", $"{verb} failed: {last.ResultMessage ?? "the agent gave no reason"} (tried again after {Utc((last.CompletedAt ?? now) + ConvergencePass.RetryFailedAfter)})"),
            AgentCommandStatus.Expired => ("expired", $"{verb} expired: the agent did not answer in time; queued again once it is heard from"),
            _ => ("queued", $"{verb} cancelled; queued again shortly"),
        };
        return new(s.Id, s.Name, state, drifted + reason, true, false);
    }

    private static string Servers(int n) => n == 1 ? "server" : "servers";

    internal static string Utc(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
