using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Metrics;
using VpnPortal.Web.Jobs;

namespace VpnPortal.Web.Features.UntrustedCertificates;

/// <summary>
/// Keeps every RRAS server's Untrusted Certificates (Disallowed) store equal to the untrusted set: it runs when a
/// server reports, when a command result comes back, when agents change, and as a sweep, and queues one import (or,
/// for a certificate being taken out of the set, one removal) per server and certificate until a report confirms it.
/// The rules are in <see cref="ConvergencePass"/>; automatic pushes are the portal's own work (the System actor).
/// </summary>
public sealed class UntrustedCertificateConvergence : FleetReactor
{
    private readonly FleetEvents _events;
    private readonly CommandSignals _signals;
    private readonly TimeProvider _time;
    private readonly IOptions<AgentOptions> _options;
    private readonly PortalMetrics _metrics;
    private readonly ILogger _logger;

    public UntrustedCertificateConvergence(
        IServiceScopeFactory scopes,
        FleetEvents events,
        CommandSignals signals,
        TimeProvider time,
        IOptions<AgentOptions> options,
        PortalMetrics metrics,
        IConfiguration configuration,
        ILogger<UntrustedCertificateConvergence> logger)
        : base(scopes, events, logger, TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Jobs:UntrustedCertificatesSweepSeconds", 60))))
    {
        _events = events;
        _signals = signals;
        _time = time;
        _options = options;
        _metrics = metrics;
        _logger = logger;
    }

    // One pass at a time in this process: the reactor's own loop, an admin's action and a test may ask at once.
    // Across portal nodes the placement's concurrency token does the same for each push.
    private readonly SemaphoreSlim _onePass = new(1, 1);

    protected override bool Wants(FleetChange change) =>
        change.Kind is FleetChangeKind.ServerReported or FleetChangeKind.CommandChanged or FleetChangeKind.AgentsChanged;

    /// <remarks>The reactor's scope already acts as the system (<see cref="SystemScopes.CreateSystemScope"/>).</remarks>
    public override Task RunAsync(IServiceProvider services, IReadOnlySet<Guid>? serverIds, CancellationToken ct) =>
        ConvergeAsync(services.GetRequiredService<PortalDbContext>(), AuditActor.System, serverIds, null, ct);

    /// <summary>
    /// One pass over <paramref name="serverIds"/> (null: every RRAS server) for one certificate of the set, or all of it.
    /// Commands are queued as <paramref name="actor"/>.
    /// </summary>
    public async Task<ConvergencePass.Outcome> ConvergeAsync(
        PortalDbContext db, AuditActor actor, IReadOnlySet<Guid>? serverIds, Guid? onlyUntrustedId, CancellationToken ct)
    {
        await _onePass.WaitAsync(ct);
        try
        {
            return await PassAsync(db, actor, serverIds, onlyUntrustedId, ct);
        }
        finally
        {
            _onePass.Release();
        }
    }

    /// <summary>
    /// An admin's change to the set (<paramref name="change"/> saves it and names the entry it changed, or null when it
    /// refused), then at once the first pass for that entry as the admin: no background pass runs in between, so the
    /// first commands are the admin's. Should that pass fail, the change stands and the background pass takes over.
    /// </summary>
    public async Task<(T Result, ConvergencePass.Outcome? Outcome)> ChangeAndConvergeAsync<T>(
        PortalDbContext db, AuditActor actor, Func<Task<(T Result, Guid? EntryId)>> change, CancellationToken ct)
    {
        T result;
        ConvergencePass.Outcome? outcome = null;
        await _onePass.WaitAsync(ct);
        try
        {
            (result, var entryId) = await change();
            if (entryId is { } id)
            {
                try
                {
                    outcome = await PassAsync(db, actor, null, id, ct);
                }
                catch (Exception e) when (e is DbUpdateException or InvalidOperationException)
                {
                    _logger.LogError(e, "The first pass for untrusted certificate entry {Id} failed; the background pass takes over", id);
                    db.ChangeTracker.Clear();
                }
            }
        }
        finally
        {
            _onePass.Release();
        }

        // The rest of the set and anything this pass could not finish: the background pass, as the portal.
        Request(null);
        return (result, outcome);
    }

    private Task<ConvergencePass.Outcome> PassAsync(PortalDbContext db, AuditActor actor, IReadOnlySet<Guid>? serverIds, Guid? onlyUntrustedId, CancellationToken ct) =>
        new ConvergencePass(db, _time, _options.Value, _signals, _events, _metrics, _logger).RunAsync(actor, serverIds, onlyUntrustedId, ct);

    public override void Dispose()
    {
        _onePass.Dispose();
        base.Dispose();
    }
}

/// <summary>
/// What one convergence pass decides, server by server, for each certificate of the untrusted set. Only RRAS servers
/// with an enrolled, unrevoked agent take part (the others cannot run commands, and do not count toward "N of M").
/// <list type="bullet">
/// <item>In place: a report of the server lists the certificate in Disallowed. The first such report confirms it.</item>
/// <item>Confirmed, then missing from a later report: drift. A drift row is recorded and the certificate is pushed again.</item>
/// <item>Missing: an import is queued, unless the server never reported (its stores are unknown) or one is already
/// queued or delivered. After the last one, a new one is queued when: it succeeded and a later report still lacks the
/// certificate; it failed and <see cref="RetryFailedAfter"/> has passed; it expired and the agent has been heard from
/// since; it was cancelled.</item>
/// <item>Being taken out of the set: the same rules with a removal, for servers that still list it; queued imports are
/// cancelled. Once no such server lists it, the certificate leaves the set.</item>
/// </list>
/// </summary>
public sealed class ConvergencePass(
    PortalDbContext db, TimeProvider time, AgentOptions options, CommandSignals signals, FleetEvents events, PortalMetrics metrics, ILogger logger)
{
    /// <summary>A failed import or removal is tried again this long after the agent's answer.</summary>
    public static readonly TimeSpan RetryFailedAfter = TimeSpan.FromMinutes(10);

    /// <summary>What a pass did: commands queued, drifts found, certificates that left the set.</summary>
    public sealed record Outcome(int Queued, int DriftsFound, int Removed);

    private sealed record Target(Guid Id, string Name, DateTimeOffset? LastReportAt, DateTimeOffset? LastSeenAt);

    private sealed record Entry(Guid Id, Guid CertificateId, string Sha1Thumbprint, string Subject, bool Removing);

    private sealed record LastCommand(Guid Id, string Kind, AgentCommandStatus Status, DateTimeOffset? CompletedAt);

    private sealed record Pending(Guid Id, Guid ServerId, string Kind, AgentCommandStatus Status, string Sha1Thumbprint);

    private sealed record Push(Entry Entry, Target Server, UntrustedCertificatePlacement Placement, string Kind);

    public async Task<Outcome> RunAsync(AuditActor actor, IReadOnlySet<Guid>? serverIds, Guid? onlyUntrustedId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var entries = await db.UntrustedCertificates.AsNoTracking()
            .Where(u => onlyUntrustedId == null || u.Id == onlyUntrustedId)
            .Select(u => new Entry(u.Id, u.CertificateId, u.Certificate!.Sha1Thumbprint, u.Certificate.Subject, u.RemovalRequestedAt != null))
            .ToListAsync(ct);
        if (entries.Count == 0)
        {
            return new Outcome(0, 0, 0);
        }

        var ids = serverIds?.ToArray();
        var servers = await CountedServers()
            .Where(s => ids == null || ids.Contains(s.Id))
            .Select(s => new Target(s.Id, s.Name, s.LastReportAt, s.Agent!.LastSeenAt))
            .ToListAsync(ct);

        var pushes = new List<Push>();
        var drifts = 0;
        if (servers.Count > 0)
        {
            drifts = await DecideAsync(entries, servers, now, pushes, ct);
        }

        var queued = 0;
        foreach (var push in pushes)
        {
            queued += await PushAsync(push, actor, ct) ? 1 : 0;
        }

        var removed = await FinishRemovalsAsync(entries.Where(e => e.Removing).ToList(), ct);
        return new Outcome(queued, drifts, removed);
    }

    /// <summary>RRAS servers whose agent can take commands: enrolled and not revoked. Only these count toward M.</summary>
    private IQueryable<RrasServer> CountedServers() =>
        db.RrasServers.AsNoTracking().Where(s => s.Agent != null && s.Agent.RevokedAt == null);

    /// <summary>Confirms, records drift and cancels stale commands (saved), and lists the pushes to make.</summary>
    private async Task<int> DecideAsync(List<Entry> entries, List<Target> servers, DateTimeOffset now, List<Push> pushes, CancellationToken ct)
    {
        var entryIds = entries.Select(e => e.Id).ToArray();
        var certificateIds = entries.Select(e => e.CertificateId).ToArray();
        var serverIds = servers.Select(s => s.Id).ToArray();

        var present = (await db.CertificateLocations.AsNoTracking()
                .Where(l => l.Store == CertificateStoreName.Disallowed && certificateIds.Contains(l.CertificateId) && serverIds.Contains(l.ServerId))
                .Select(l => new { l.CertificateId, l.ServerId })
                .ToListAsync(ct))
            .Select(l => (l.CertificateId, l.ServerId))
            .ToHashSet();
        var placements = (await db.UntrustedCertificatePlacements
                .Where(p => entryIds.Contains(p.UntrustedCertificateId) && serverIds.Contains(p.ServerId))
                .ToListAsync(ct))
            .ToDictionary(p => (p.UntrustedCertificateId, p.ServerId));
        var lastIds = placements.Values.Select(p => p.LastCommandId).OfType<Guid>().ToArray();
        var lastCommands = await db.AgentCommands.AsNoTracking().Where(c => lastIds.Contains(c.Id))
            .Select(c => new LastCommand(c.Id, c.Kind, c.Status, c.CompletedAt))
            .ToDictionaryAsync(c => c.Id, ct);
        var pending = await PendingAsync(serverIds, ct);
        var openDrifts = (await db.UntrustedCertificateDrifts
                .Where(d => d.CorrectedAt == null && certificateIds.Contains(d.CertificateId) && serverIds.Contains(d.ServerId))
                .ToListAsync(ct))
            .ToLookup(d => (d.CertificateId, d.ServerId));

        var drifts = 0;
        var cancel = new List<Pending>();
        foreach (var entry in entries)
        {
            foreach (var server in servers)
            {
                if (!placements.TryGetValue((entry.Id, server.Id), out var placement))
                {
                    placement = new UntrustedCertificatePlacement { Id = Guid.NewGuid(), UntrustedCertificateId = entry.Id, ServerId = server.Id };
                    db.UntrustedCertificatePlacements.Add(placement);
                    placements[(entry.Id, server.Id)] = placement;
                }

                var last = placement.LastCommandId is { } lastId && lastCommands.TryGetValue(lastId, out var c) ? c : null;
                if (last?.Status == AgentCommandStatus.Succeeded && placement.SucceededSeenAt is null)
                {
                    placement.SucceededSeenAt = now;
                }

                var inPlace = present.Contains((entry.CertificateId, server.Id));
                var seenAt = server.LastReportAt ?? now;
                var wanted = entry.Removing ? AgentCommandKinds.RemoveCertificate : AgentCommandKinds.ImportCertificate;
                var opposite = entry.Removing ? AgentCommandKinds.ImportCertificate : AgentCommandKinds.RemoveCertificate;
                var pendingHere = pending.Where(p => p.ServerId == server.Id && p.Sha1Thumbprint == entry.Sha1Thumbprint).ToList();

                // A command for the other direction that the agent has not collected yet would undo this one: cancel it.
                cancel.AddRange(pendingHere.Where(p => p.Kind == opposite && p.Status == AgentCommandStatus.Queued));
                var stillRunning = pendingHere.Any(p => p.Status == AgentCommandStatus.Delivered || p.Kind == wanted);

                if (!entry.Removing)
                {
                    if (inPlace)
                    {
                        if (placement.ConfirmedAt is null)
                        {
                            placement.ConfirmedAt = seenAt;
                            foreach (var drift in openDrifts[(entry.CertificateId, server.Id)])
                            {
                                drift.CorrectedAt = seenAt;
                            }
                        }

                        continue;
                    }

                    if (placement.ConfirmedAt is not null)
                    {
                        // A report no longer lists what an earlier one confirmed: someone removed it on the server.
                        placement.ConfirmedAt = null;
                        if (!openDrifts[(entry.CertificateId, server.Id)].Any())
                        {
                            db.UntrustedCertificateDrifts.Add(new UntrustedCertificateDrift
                            {
                                Id = Guid.NewGuid(),
                                CertificateId = entry.CertificateId,
                                ServerId = server.Id,
                                DetectedAt = seenAt,
                            });
                            drifts++;
                            logger.LogWarning(
                                "Untrusted certificate {Thumbprint} ({Subject}) is no longer in the Disallowed store of {Server}; pushing it again",
                                entry.Sha1Thumbprint, entry.Subject, server.Name);
                        }
                    }
                }
                else
                {
                    // Not confirmed any more: if it is re-added later, its absence now is not drift.
                    placement.ConfirmedAt = null;
                    if (!inPlace)
                    {
                        continue;
                    }
                }

                // A server that never reported has unknown stores; its first report runs this pass again.
                if (server.LastReportAt is null || stillRunning)
                {
                    continue;
                }

                if (IsDue(last, placement, wanted, server, now))
                {
                    pushes.Add(new Push(entry, server, placement, wanted));
                }
            }
        }

        await CancelAsync(cancel, now, ct);
        await db.SaveChangesAsync(ct);
        return drifts;
    }

    /// <summary>Whether the last command (if it was of the wanted kind) leaves room for a new one now.</summary>
    private static bool IsDue(LastCommand? last, UntrustedCertificatePlacement placement, string wanted, Target server, DateTimeOffset now)
    {
        if (last is null || last.Kind != wanted)
        {
            return true;
        }

        // Answers carry the agent's clock; expiry and retries are measured from them, which a skew only shifts a little.
        var ended = last.CompletedAt ?? DateTimeOffset.MinValue;
        return last.Status switch
        {
            AgentCommandStatus.Queued or AgentCommandStatus.Delivered => false,

            // The agent said done, but only a report proves it: one applied after the portal saw the answer that still
            // disagrees. Both times are the portal's, so a skewed agent clock cannot make an older report look newer.
            AgentCommandStatus.Succeeded => server.LastReportAt > placement.SucceededSeenAt,
            AgentCommandStatus.Failed => now >= ended + RetryFailedAfter,

            // Never collected or never answered: one more only once the agent has been heard from since, so an
            // offline agent gets one command per certificate, not one per expiry.
            AgentCommandStatus.Expired => server.LastSeenAt > ended,
            _ => true,
        };
    }

    /// <summary>Import and remove commands not yet answered, with the store and thumbprint they name (Disallowed only).</summary>
    private async Task<List<Pending>> PendingAsync(Guid[]? serverIds, CancellationToken ct) =>
        (await DisallowedCommands.ReadAsync(
            db.AgentCommands.AsNoTracking().Where(c => (serverIds == null || serverIds.Contains(c.ServerId))
                && (c.Status == AgentCommandStatus.Queued || c.Status == AgentCommandStatus.Delivered)),
            ct))
        .Select(c => new Pending(c.Id, c.ServerId, c.Kind, c.Status, c.Sha1Thumbprint))
        .ToList();

    private async Task CancelAsync(List<Pending> commands, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var command in commands)
        {
            var message = command.Kind == AgentCommandKinds.ImportCertificate
                ? "Cancelled: the certificate is being taken out of the untrusted set."
                : "Cancelled: the certificate was put back in the untrusted set.";

            // Only while still queued: once the agent has it, it runs, and the next pass follows up on its result.
            var cancelled = await db.AgentCommands
                .Where(c => c.Id == command.Id && c.Status == AgentCommandStatus.Queued)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(c => c.Status, AgentCommandStatus.Cancelled)
                        .SetProperty(c => c.CompletedAt, now)
                        .SetProperty(c => c.ResultMessage, message)
                        .SetProperty(c => c.Version, Guid.NewGuid()),
                    ct);
            metrics.CommandsCompleted(AgentCommandStatus.Cancelled, cancelled);
            if (cancelled > 0)
            {
                events.Publish(new FleetChange(FleetChangeKind.CommandChanged, command.ServerId));
            }
        }
    }

    /// <summary>Queues one command and links it to its placement, both in one save.</summary>
    private async Task<bool> PushAsync(Push push, AuditActor actor, CancellationToken ct)
    {
        object payload;
        if (push.Kind == AgentCommandKinds.ImportCertificate)
        {
            var der = await db.Certificates.AsNoTracking().Where(c => c.Id == push.Entry.CertificateId).Select(c => c.RawData).FirstOrDefaultAsync(ct);
            if (der is null)
            {
                logger.LogWarning("Untrusted certificate {Thumbprint} cannot be pushed: the portal has no copy of it", push.Entry.Sha1Thumbprint);
                return false;
            }

            payload = new ImportCertificatePayload
            {
                Store = CertificateStoreKind.Disallowed,
                CertificateDer = Convert.ToBase64String(der),
                Sha1Thumbprint = push.Entry.Sha1Thumbprint,
            };
        }
        else
        {
            payload = new RemoveCertificatePayload { Store = CertificateStoreKind.Disallowed, Sha1Thumbprint = push.Entry.Sha1Thumbprint };
        }

        if (db.Entry(push.Placement).State == EntityState.Detached)
        {
            // An earlier push of this pass lost its claim and cleared the tracker; the version this one holds is still its claim.
            db.UntrustedCertificatePlacements.Attach(push.Placement);
        }

        var queue = new AgentCommandQueue(db, time, Options.Create(options), signals, events, metrics);
        var command = queue.Stage(push.Server.Id, push.Kind, payload, actor);
        if (actor.IsAudited)
        {
            db.Audit("agent-command.queued", $"Queued {push.Kind} for {push.Server.Name}", "agent-command", command.Id.ToString(), after: new { Server = push.Server.Name, push.Kind });
        }

        // Saved with the command, the placement's new version is the claim: a pass on another portal node that read the
        // same placement fails its own save here instead of queueing a second command.
        push.Placement.LastCommandId = command.Id;
        push.Placement.LastPushedAt = time.GetUtcNow();
        push.Placement.SucceededSeenAt = null;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogInformation("Another pass pushed {Thumbprint} to {Server} first, or it left the set meanwhile", push.Entry.Sha1Thumbprint, push.Server.Name);
            db.ChangeTracker.Clear();
            return false;
        }

        queue.Announce(push.Server.Id);
        return true;
    }

    /// <summary>Certificates being taken out of the set leave it once no counted server lists them in Disallowed.</summary>
    private async Task<int> FinishRemovalsAsync(List<Entry> removing, CancellationToken ct)
    {
        var removed = 0;
        foreach (var entry in removing)
        {
            var counted = CountedServers().Select(s => s.Id);
            var stillThere = await db.CertificateLocations.AnyAsync(
                l => l.CertificateId == entry.CertificateId && l.Store == CertificateStoreName.Disallowed && counted.Contains(l.ServerId), ct);

            // An import an agent collected before the removal, or whose success no report reflects yet, may still put it
            // back: the set keeps the certificate until a report after it shows the store without it.
            var importInFlight = await db.UntrustedCertificatePlacements.AnyAsync(
                p => p.UntrustedCertificateId == entry.Id && counted.Contains(p.ServerId) && p.LastCommand != null
                    && p.LastCommand.Kind == AgentCommandKinds.ImportCertificate
                    && (p.LastCommand.Status == AgentCommandStatus.Queued || p.LastCommand.Status == AgentCommandStatus.Delivered
                        || (p.LastCommand.Status == AgentCommandStatus.Succeeded && (p.SucceededSeenAt == null || !(p.Server!.LastReportAt > p.SucceededSeenAt)))),
                ct);
            if (stillThere || importInFlight
                || (await PendingAsync(null, ct)).Any(p => p.Kind == AgentCommandKinds.ImportCertificate && p.Sha1Thumbprint == entry.Sha1Thumbprint))
            {
                continue;
            }

            await using var tx = await db.Database.BeginTransactionAsync(ct);

            // Conditional: an admin who put it back meanwhile cleared the removal, and then it stays.
            var deleted = await db.UntrustedCertificates.Where(u => u.Id == entry.Id && u.RemovalRequestedAt != null).ExecuteDeleteAsync(ct);
            if (deleted == 0)
            {
                await tx.RollbackAsync(ct);
                continue;
            }

            db.Audit(
                "untrusted-certificate.removed",
                $"No RRAS server lists {entry.Subject} in Untrusted Certificates any more: it left the untrusted set",
                "untrusted-certificate",
                entry.Id.ToString(),
                after: new { entry.Sha1Thumbprint, entry.Subject });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            removed++;
            logger.LogInformation("Untrusted certificate {Thumbprint} ({Subject}) is out of every RRAS server's Disallowed store and left the set", entry.Sha1Thumbprint, entry.Subject);
        }

        return removed;
    }
}
