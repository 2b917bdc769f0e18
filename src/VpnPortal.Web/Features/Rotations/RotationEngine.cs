using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Naming;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.Features.Rotations;

/// <summary>
/// Moves a rollout on from what is in the database: the results of its servers' commands and their latest reports.
/// Every decision is saved in one transaction with the command it queues, under the rows' concurrency tokens, so a
/// restarted portal (or a second node) resumes exactly where the last saved step left off and never repeats a step
/// that completed.
/// </summary>
public sealed class RotationEngine(PortalDbContext db, TimeProvider time, AgentCommandQueue queue, IOptions<RotationOptions> options, ILogger<RotationEngine> logger)
{
    /// <summary>Who the rollout's commands are requested by, in command histories.</summary>
    public static readonly AuditActor Actor = new(AuditActorKind.System, null, "sstp rollout");

    private readonly HashSet<Guid> _announce = [];

    /// <summary>One pass over a rollout. Returns false when there was nothing to do (ended or unknown).</summary>
    public async Task<bool> AdvanceAsync(Guid rotationId, CancellationToken ct)
    {
        var rotation = await db.SstpRotations.Include(r => r.Servers).ThenInclude(s => s.Server).FirstOrDefaultAsync(r => r.Id == rotationId, ct);
        if (rotation is null || rotation.Status is RotationStatus.Completed or RotationStatus.Abandoned)
        {
            return false;
        }

        var now = time.GetUtcNow();
        foreach (var server in rotation.Servers.Where(s => s.State == RotationServerState.InProgress).OrderBy(s => s.Order))
        {
            await StepAsync(rotation, server, now, ct);
        }

        if (rotation.Status == RotationStatus.Running && WithinWindow(rotation, now))
        {
            var running = rotation.Servers.Count(s => s.State == RotationServerState.InProgress);
            foreach (var server in rotation.Servers.Where(s => s.State == RotationServerState.Pending).OrderBy(s => s.Order).ToList())
            {
                if (running >= rotation.Parallelism || rotation.Status != RotationStatus.Running)
                {
                    break;
                }

                await BeginAsync(server, now, ct);
                running++;
                await StepAsync(rotation, server, now, ct);
            }
        }

        EraseStalePfx(rotation, now);

        if (rotation.Servers.All(s => s.State is RotationServerState.Done or RotationServerState.Skipped))
        {
            var done = rotation.Servers.Count(s => s.State == RotationServerState.Done);
            var skipped = rotation.Servers.Count - done;
            rotation.Status = RotationStatus.Completed;
            rotation.EndedAt = now;
            rotation.StatusReason = $"The certificate is in use on {done} server{(done == 1 ? "" : "s")}" + (skipped > 0 ? $"; {skipped} skipped." : ".");
            Forget(rotation);
        }

        await db.SaveChangesAsync(ct);
        foreach (var serverId in _announce)
        {
            queue.Announce(serverId);
        }

        _announce.Clear();
        return true;
    }

    /// <summary>
    /// A rollout stopped for a person's decision does not keep the PFX and its password indefinitely: after
    /// Rotations:KeepStoppedPfxFor they are erased, and resuming needs the PFX uploaded again.
    /// </summary>
    private void EraseStalePfx(SstpRotation rotation, DateTimeOffset now)
    {
        if (rotation.Status != RotationStatus.Stopped || rotation.ProtectedPfx is null)
        {
            return;
        }

        if (rotation.StoppedAt is not { } stopped)
        {
            // Stopped before the portal recorded when: the time starts now.
            rotation.StoppedAt = now;
            return;
        }

        var keep = options.Value.KeepStoppedPfxFor;
        if (now - stopped < keep)
        {
            return;
        }

        Forget(rotation);
        rotation.PfxErasedAt = now;
        rotation.StatusReason = Trim($"{rotation.StatusReason} The PFX was erased after the rollout had waited {RotationText.Duration(keep)} for a decision: upload it again to resume.");
        db.Audit(
            "rotation.pfx-erased",
            $"Erased the PFX of the stopped SSTP certificate rollout of {rotation.Sha1Thumbprint} after {RotationText.Duration(keep)} without a decision",
            "sstp-rotation",
            rotation.Id.ToString());
        logger.LogInformation("SSTP rollout {Rotation}: stopped since {Stopped}, its PFX was erased", rotation.Id, stopped);
    }

    /// <summary>Deletes the PFX and password: the rollout will not import it anywhere again.</summary>
    public static void Forget(SstpRotation rotation)
    {
        rotation.ProtectedPfx = null;
        rotation.ProtectedPassword = null;
    }

    private static bool WithinWindow(SstpRotation rotation, DateTimeOffset now) =>
        (rotation.WindowStart is null || now >= rotation.WindowStart) && (rotation.WindowEnd is null || now < rotation.WindowEnd);

    /// <summary>Records what the server has now (the rollback restores it) and sets its first step.</summary>
    private async Task BeginAsync(SstpRotationServer server, DateTimeOffset now, CancellationToken ct)
    {
        var rras = server.Server!;
        server.State = RotationServerState.InProgress;
        server.RollbackState = RotationRollbackState.None;
        server.StartedAt = now;
        server.CompletedAt = null;
        server.FailedStep = null;
        server.FailureMessage = null;
        server.RollbackMessage = null;
        server.PreviousSha1 = Thumbprints.Normalize(rras.Sstp.ConfiguredCertificateSha1)
            ?? await db.SstpBindings.AsNoTracking().Where(b => b.RrasServerId == server.ServerId && b.ApplicationId == SstpApplicationId)
                .Select(b => b.CertificateHash).FirstOrDefaultAsync(ct);
        server.PreviousOffloadHash = rras.Sstp.Sha256CertificateHash;
        server.TlsOffload = rras.TlsOffload || rras.Sstp.UseHttps == false;
        server.ListenerPort = rras.Sstp.ListenerPort ?? rras.SstpListenerPort;
        Enter(server, RotationStep.ImportPfx, now);
    }

    private static readonly Guid SstpApplicationId = Guid.Parse("ba195980-cd49-458b-9e23-c84ee0adcd75");

    private static void Enter(SstpRotationServer server, RotationStep step, DateTimeOffset now)
    {
        server.Step = step;
        server.StepStartedAt = now;
        server.CommandId = null;
        server.StepAttempts = 0;
    }

    private async Task StepAsync(SstpRotation rotation, SstpRotationServer server, DateTimeOffset now, CancellationToken ct)
    {
        // Each turn either waits (return) or finishes the step and enters the next; a few turns at most.
        for (var turn = 0; turn < 20 && server.State == RotationServerState.InProgress && server.Step is { } step; turn++)
        {
            if (step is RotationStep.VerifyBindings or RotationStep.RollbackVerifyBindings)
            {
                if (!await VerifyAsync(rotation, server, step, now, ct))
                {
                    return;
                }

                continue;
            }

            if (server.CommandId is null)
            {
                Queue(rotation, server, step, now);
                return;
            }

            var command = await db.AgentCommands.AsNoTracking().Where(c => c.Id == server.CommandId)
                .Select(c => new { c.Status, c.Deliveries, c.ResultMessage, c.CompletedAt })
                .FirstOrDefaultAsync(ct);
            if (command is null)
            {
                Fail(rotation, server, step, "its command disappeared (was the server removed?)", now);
                continue;
            }

            switch (command.Status)
            {
                case AgentCommandStatus.Queued or AgentCommandStatus.Delivered:
                    return;
                case AgentCommandStatus.Succeeded:
                    await EndRecordAsync(server, true, command.ResultMessage, command.CompletedAt ?? now, ct);
                    Next(rotation, server, step, now);
                    break;
                case AgentCommandStatus.Expired when command.Deliveries == 0 && now - server.StepStartedAt >= options.Value.WaitForAgent:
                    {
                        // The agent has not collected this step for a long time: stop waiting, so an offline server
                        // does not hold the rollout (and its PFX) open forever.
                        var message = $"The agent did not collect the step's command for {RotationText.Duration(options.Value.WaitForAgent)} (is the server offline?).";
                        await EndRecordAsync(server, false, message, now, ct);
                        Fail(rotation, server, step, message, now);
                        break;
                    }

                case AgentCommandStatus.Expired when command.Deliveries == 0:
                    // Never collected: the agent is offline, so nothing ran. Send it again and wait for the agent.
                    await EndRecordAsync(server, null, "The agent did not collect it in time (offline?); sent again.", now, ct);
                    server.CommandId = null;
                    server.StepAttempts--; // only commands that reached the agent count as attempts
                    break;
                case AgentCommandStatus.Expired when server.StepAttempts < options.Value.MaxCommandAttempts:
                    await EndRecordAsync(server, null, "Delivered, but no result came back in time; sent again (each step is safe to repeat on the server).", now, ct);
                    server.CommandId = null;
                    break;
                default:
                    await EndRecordAsync(server, false, command.ResultMessage, command.CompletedAt ?? now, ct);
                    Fail(rotation, server, step, command.ResultMessage ?? command.Status.ToString().ToLowerInvariant(), now);
                    if (command.ResultMessage?.Contains(PfxPayloadSource.PfxUnreadable, StringComparison.Ordinal) == true)
                    {
                        // A PFX that no longer decrypts is of no use: drop it, so the page asks for it again.
                        Forget(rotation);
                        rotation.PfxErasedAt = now;
                    }

                    break;
            }
        }
    }

    private void Queue(SstpRotation rotation, SstpRotationServer server, RotationStep step, DateTimeOffset now)
    {
        var forward = !RotationText.IsRollback(step);
        var expected = forward ? rotation.Sha1Thumbprint : server.PreviousSha1!;
        var (kind, payload) = step switch
        {
            RotationStep.ImportPfx => (AgentCommandKinds.ImportPfx, (object?)new PfxReference(rotation.Id, rotation.Sha1Thumbprint)),
            RotationStep.SetSstpCertificate or RotationStep.RollbackSstpCertificate =>
                (AgentCommandKinds.SetSstpCertificate, new SetSstpCertificatePayload { Sha1Thumbprint = expected }),
            RotationStep.SetOffloadHash => (AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = rotation.Sha256Thumbprint }),
            RotationStep.RollbackOffloadHash => (AgentCommandKinds.SetSstpOffloadHash, new SetSstpOffloadHashPayload { Sha256Hash = server.PreviousOffloadHash }),
            RotationStep.RestartRemoteAccess or RotationStep.RollbackRestart => (AgentCommandKinds.RestartRemoteAccess, null),
            RotationStep.CheckListener or RotationStep.RollbackCheckListener => (AgentCommandKinds.CheckSstpListener, new CheckSstpListenerPayload
            {
                Port = server.ListenerPort,
                UseHttps = !server.TlsOffload,
                ExpectedSha1Thumbprint = server.TlsOffload ? null : expected,
            }),
            _ => throw new InvalidOperationException($"{step} is not a command step."),
        };
        var command = queue.Stage(server.ServerId, kind, payload, Actor, rotation.Id);
        server.CommandId = command.Id;
        server.StepAttempts++;
        db.SstpRotationSteps.Add(new SstpRotationStepRecord
        {
            Id = Guid.NewGuid(),
            RotationServerId = server.Id,
            Step = step,
            CommandId = command.Id,
            StartedAt = now,
        });
        _announce.Add(server.ServerId);
    }

    /// <summary>The import command's stored payload: a reference, resolved to the PFX only when handed to the agent.</summary>
    public sealed record PfxReference(Guid RotationId, string Sha1Thumbprint);

    /// <summary>
    /// Waits for a report taken after the restart, then checks the server's SSTP state against the certificate it must
    /// have. True when the step ended (passed, or failed and the rollback entered).
    /// </summary>
    private async Task<bool> VerifyAsync(SstpRotation rotation, SstpRotationServer server, RotationStep step, DateTimeOffset now, CancellationToken ct)
    {
        var forward = step == RotationStep.VerifyBindings;
        var expected = forward ? rotation.Sha1Thumbprint : server.PreviousSha1!;
        var expectedHash = forward ? rotation.Sha256Thumbprint : server.PreviousOffloadHash;
        if (server.CommandId is null)
        {
            // Ask for a report now rather than wait for the next interval; the verdict comes from the report itself.
            var refresh = queue.Stage(server.ServerId, AgentCommandKinds.RefreshReport, null, Actor, rotation.Id);
            server.CommandId = refresh.Id;
            db.SstpRotationSteps.Add(new SstpRotationStepRecord { Id = Guid.NewGuid(), RotationServerId = server.Id, Step = step, CommandId = refresh.Id, StartedAt = now });
            _announce.Add(server.ServerId);
            return false;
        }

        var state = await db.RrasServers.AsNoTracking().Where(s => s.Id == server.ServerId)
            .Select(s => new { s.LastReportAt, s.Sstp.ConfiguredCertificateSha1, s.Sstp.Sha256CertificateHash, s.Sstp.UseHttps })
            .FirstAsync(ct);
        var late = now - server.StepStartedAt!.Value > options.Value.VerifyWithin;
        if (state.LastReportAt is null || state.LastReportAt <= server.StepStartedAt)
        {
            if (late)
            {
                var message = $"No report came from the server within {options.Value.VerifyWithinSeconds} s of the restart, so the new state could not be verified.";
                await EndRecordAsync(server, false, message, now, ct);
                Fail(rotation, server, step, message, now);
                return true;
            }

            return false;
        }

        var bindings = await db.SstpBindings.AsNoTracking().Where(b => b.RrasServerId == server.ServerId)
            .Select(b => new { b.IpPort, b.CertificateHash, b.ApplicationId })
            .ToListAsync(ct);
        var problems = new List<string>();
        if (!string.Equals(state.ConfiguredCertificateSha1, expected, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"RRAS is configured with {state.ConfiguredCertificateSha1 ?? "no certificate"} instead of {expected}");
        }

        if (server.TlsOffload)
        {
            if (!string.Equals(state.Sha256CertificateHash, expectedHash, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"SHA256CertificateHash is {state.Sha256CertificateHash ?? "not set"} instead of {expectedHash ?? "not set"}");
            }
        }
        else
        {
            foreach (var ipPort in new[] { $"0.0.0.0:{server.ListenerPort}", $"[::]:{server.ListenerPort}" })
            {
                var binding = bindings.FirstOrDefault(b => string.Equals(b.IpPort, ipPort, StringComparison.OrdinalIgnoreCase));
                if (binding is null)
                {
                    problems.Add($"there is no HTTP.sys binding on {ipPort}");
                }
                else if (!string.Equals(binding.CertificateHash, expected, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"the {ipPort} binding carries {binding.CertificateHash} instead of {expected}");
                }
                else if (binding.ApplicationId != SstpApplicationId)
                {
                    problems.Add($"the {ipPort} binding belongs to application {binding.ApplicationId:B}, not SSTP's {SstpApplicationId:B}");
                }
            }
        }

        if (problems.Count == 0)
        {
            await EndRecordAsync(
                server,
                true,
                server.TlsOffload
                    ? $"RRAS uses {expected} and SHA256CertificateHash is {expectedHash}."
                    : $"Both bindings (0.0.0.0:{server.ListenerPort} and [::]:{server.ListenerPort}) carry {expected} with SSTP's application id.",
                now,
                ct);
            Next(rotation, server, step, now);
            return true;
        }

        if (!late)
        {
            return false; // a report taken mid-restart; the next one decides
        }

        var failure = "The server's report does not show the certificate in place: " + string.Join("; ", problems) + ".";
        await EndRecordAsync(server, false, failure, now, ct);
        Fail(rotation, server, step, failure, now);
        return true;
    }

    private async Task EndRecordAsync(SstpRotationServer server, bool? succeeded, string? message, DateTimeOffset at, CancellationToken ct)
    {
        var record = db.SstpRotationSteps.Local.FirstOrDefault(r => r.CommandId == server.CommandId && r.EndedAt is null)
            ?? await db.SstpRotationSteps.FirstOrDefaultAsync(r => r.CommandId == server.CommandId && r.EndedAt == null, ct);
        if (record is null)
        {
            return;
        }

        record.EndedAt = at;
        record.Succeeded = succeeded;
        record.Message = Trim(message);
    }

    private static readonly RotationStep[] Forward =
        [RotationStep.ImportPfx, RotationStep.SetSstpCertificate, RotationStep.SetOffloadHash, RotationStep.RestartRemoteAccess, RotationStep.VerifyBindings, RotationStep.CheckListener];

    private static readonly RotationStep[] Rollback =
        [RotationStep.RollbackSstpCertificate, RotationStep.RollbackOffloadHash, RotationStep.RollbackRestart, RotationStep.RollbackVerifyBindings, RotationStep.RollbackCheckListener];

    private void Next(SstpRotation rotation, SstpRotationServer server, RotationStep step, DateTimeOffset now)
    {
        var order = RotationText.IsRollback(step) ? Rollback : Forward;
        var next = order.SkipWhile(s => s != step).Skip(1)
            .FirstOrDefault(s => server.TlsOffload || s is not (RotationStep.SetOffloadHash or RotationStep.RollbackOffloadHash));
        if (next != default)
        {
            Enter(server, next, now);
            return;
        }

        server.Step = null;
        server.CommandId = null;
        server.CompletedAt = now;
        if (RotationText.IsRollback(step))
        {
            server.State = RotationServerState.Failed;
            server.RollbackState = RotationRollbackState.RolledBack;
            server.RollbackMessage = $"Rolled back to {server.PreviousSha1} and verified.";
            rotation.StatusReason = $"{server.Server!.Name} failed at \"{RotationText.Step(server.FailedStep!.Value)}\" and was rolled back to its previous certificate. Retry it, skip it, or abandon the rollout.";
        }
        else
        {
            server.State = RotationServerState.Done;
        }
    }

    private void Fail(SstpRotation rotation, SstpRotationServer server, RotationStep step, string message, DateTimeOffset now)
    {
        var name = server.Server!.Name;
        if (rotation.Status != RotationStatus.Stopped)
        {
            rotation.StoppedAt = now;
        }

        rotation.Status = RotationStatus.Stopped;
        server.CommandId = null;
        if (RotationText.IsRollback(step))
        {
            server.State = RotationServerState.Failed;
            server.RollbackState = RotationRollbackState.Failed;
            server.RollbackMessage = Trim($"The rollback failed at \"{RotationText.Step(step)}\": {message}");
            server.Step = null;
            server.CompletedAt = now;
            rotation.StatusReason = $"{name} failed and its rollback failed too: it needs a person. {server.RollbackMessage}";
            logger.LogError("SSTP rollout {Rotation}: the rollback of {Server} failed at {Step}", rotation.Id, name, step);
            return;
        }

        server.FailedStep = step;
        server.FailureMessage = Trim(message);
        logger.LogWarning("SSTP rollout {Rotation}: {Server} failed at {Step}; rolling back", rotation.Id, name, step);
        if (step == RotationStep.ImportPfx)
        {
            server.State = RotationServerState.Failed;
            server.RollbackState = RotationRollbackState.RolledBack;
            server.RollbackMessage = "Nothing to roll back: the SSTP certificate was not changed.";
            server.Step = null;
            server.CompletedAt = now;
            rotation.StatusReason = $"{name} failed at \"{RotationText.Step(step)}\"; nothing was changed on it. Retry it, skip it, or abandon the rollout.";
            return;
        }

        if (server.PreviousSha1 is null)
        {
            server.State = RotationServerState.Failed;
            server.RollbackState = RotationRollbackState.Failed;
            server.RollbackMessage = "No previous SSTP certificate was reported for this server, so there is nothing to roll back to: set one by hand.";
            server.Step = null;
            server.CompletedAt = now;
            rotation.StatusReason = $"{name} failed at \"{RotationText.Step(step)}\" and cannot be rolled back automatically.";
            return;
        }

        server.RollbackState = RotationRollbackState.RollingBack;
        rotation.StatusReason = $"{name} failed at \"{RotationText.Step(step)}\"; rolling it back to {server.PreviousSha1}.";
        Enter(server, RotationStep.RollbackSstpCertificate, now);
    }

    private static string? Trim(string? value) =>
        value is null ? null : value.Length <= Data.Configurations.FieldLimits.Notes ? value : value[..(Data.Configurations.FieldLimits.Notes - 1)] + "…";

    /// <summary>The rollout a stored import command belongs to.</summary>
    public static PfxReference? ReadReference(string payloadJson)
    {
        try
        {
            return JsonSerializer.Deserialize<PfxReference>(payloadJson, AgentJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
