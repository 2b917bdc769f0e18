using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Web.Features.Rotations;

/// <summary>
/// What an admin decides for a stopped rollout: retry the failed server, skip it, or abandon the rollout, and upload
/// the PFX again when it was erased or can no longer be decrypted.
/// </summary>
public sealed class RotationActions(PortalDbContext db, TimeProvider time, RotationConductor conductor, RotationSecrets secrets, IOptions<RotationOptions> options)
{
    /// <summary>Why a decision about a whole rollout was not found.</summary>
    private const string RotationGone = "The rollout is no longer there.";

    /// <summary>Why a decision about one server of a rollout was not found.</summary>
    private const string ServerGone = "The rollout or the server is no longer there.";

    /// <summary>
    /// Runs the server's rotation again from its first step (the server must have failed and been rolled back or left
    /// alone). Done, not found, or a conflict saying why the rollout's state refuses it.
    /// </summary>
    public Task<CommandResult> RetryAsync(Guid rotationId, Guid serverId, AuditActor actor, CancellationToken ct = default) =>
        ChangeServerAsync(rotationId, serverId, "rotation.server-retried", "Retry", (rotation, server) =>
        {
            server.State = RotationServerState.Pending;
            server.RollbackState = RotationRollbackState.None;
            server.Step = null;
            server.CommandId = null;
            server.CompletedAt = null;
        }, ct);

    /// <summary>Leaves the server on the certificate it has and lets the rollout go on with the next.</summary>
    public Task<CommandResult> SkipAsync(Guid rotationId, Guid serverId, AuditActor actor, CancellationToken ct = default) =>
        ChangeServerAsync(rotationId, serverId, "rotation.server-skipped", "Skip", (rotation, server) =>
        {
            server.State = RotationServerState.Skipped;
            server.Step = null;
            server.CommandId = null;
        }, ct);

    /// <summary>Ends the rollout: servers not yet rotated keep their certificate; the PFX and password are deleted.</summary>
    public async Task<CommandResult> AbandonAsync(Guid rotationId, AuditActor actor, CancellationToken ct = default)
    {
        var rotation = await db.SstpRotations.Include(r => r.Servers).ThenInclude(s => s.Server).FirstOrDefaultAsync(r => r.Id == rotationId, ct);
        if (rotation is null)
        {
            return CommandResult.NotFound(RotationGone);
        }

        if (rotation.Status is RotationStatus.Completed or RotationStatus.Abandoned)
        {
            return CommandResult.Conflict("The rollout has already ended.");
        }

        if (rotation.Servers.FirstOrDefault(s => s.State == RotationServerState.InProgress) is { } busy)
        {
            return CommandResult.Conflict($"{busy.Server!.Name} is in the middle of a step; abandon once it has finished or been rolled back, so no server is left half-changed.");
        }

        rotation.Status = RotationStatus.Abandoned;
        rotation.EndedAt = time.GetUtcNow();
        var done = rotation.Servers.Count(s => s.State == RotationServerState.Done);
        rotation.StatusReason = $"Abandoned by {actor.Name}; the certificate is in use on {done} of {rotation.Servers.Count} server(s).";
        RotationEngine.Forget(rotation);
        db.Audit("rotation.abandoned", $"Abandoned the SSTP certificate rollout of {rotation.Sha1Thumbprint}", "sstp-rotation", rotation.Id.ToString());
        return await SaveAsync(ct) ? CommandResult.Done() : CommandResult.Conflict(Moved);
    }

    private const string NeedsPfx = "The rollout's PFX was erased while it waited for a decision: upload it again, then decide.";

    /// <summary>
    /// Stores the PFX of a stopped rollout again (after it was erased, or when it can no longer be decrypted). It must
    /// hold the rollout's own certificate with its private key; nothing else changes, so the admin then retries or skips.
    /// A file that is not that PFX is invalid (under <c>Pfx</c>); a rollout that is not stopped refuses it (a conflict).
    /// </summary>
    public async Task<CommandResult> UploadPfxAsync(Guid rotationId, byte[] pfx, string fileName, string? password, AuditActor actor, CancellationToken ct = default)
    {
        var rotation = await db.SstpRotations.FirstOrDefaultAsync(r => r.Id == rotationId, ct);
        if (rotation is null)
        {
            return CommandResult.NotFound(RotationGone);
        }

        if (rotation.Status != RotationStatus.Stopped)
        {
            return CommandResult.Conflict(rotation.Status is RotationStatus.Completed or RotationStatus.Abandoned
                ? "The rollout has ended; start a new one."
                : "The rollout is running with its PFX; an upload is for a stopped rollout.");
        }

        if (pfx.Length == 0 || pfx.Length > options.Value.MaxPfxBytes)
        {
            return CommandResult.Invalid(PfxField, $"Choose the PFX file (at most {options.Value.MaxPfxBytes / 1024} KB).");
        }

        X509Certificate2 certificate;
        string format;
        try
        {
            (certificate, format) = CertificateFiles.Load(pfx, password, string.IsNullOrWhiteSpace(fileName) ? "the file" : Path.GetFileName(fileName));
        }
        catch (CertificateFileException e)
        {
            return CommandResult.Invalid(PfxField, e.Message);
        }

        using (certificate)
        {
            if (format != "PFX" || !certificate.HasPrivateKey)
            {
                return CommandResult.Invalid(PfxField, "The file holds only a public certificate; upload the PFX with its private key.");
            }

            if (!string.Equals(certificate.Thumbprint, rotation.Sha1Thumbprint, StringComparison.OrdinalIgnoreCase))
            {
                return CommandResult.Invalid(PfxField, $"This PFX holds {certificate.Thumbprint.ToUpperInvariant()}, not the rollout's certificate {rotation.Sha1Thumbprint}.");
            }
        }

        rotation.ProtectedPfx = secrets.Protect(pfx);
        rotation.ProtectedPassword = secrets.ProtectPassword(password ?? "");
        rotation.PfxErasedAt = null;
        rotation.StoppedAt = time.GetUtcNow();
        db.Audit("rotation.pfx-uploaded", $"Uploaded the PFX of the SSTP certificate rollout of {rotation.Sha1Thumbprint} again", "sstp-rotation", rotation.Id.ToString());
        return await SaveAsync(ct) ? CommandResult.Done() : CommandResult.Conflict(Moved);
    }

    /// <summary>The field an unfit upload is reported under (the API's multipart field <c>pfx</c>).</summary>
    private const string PfxField = "Pfx";

    private const string Moved = "The rollout moved on while you decided (a step finished or someone else acted); look at it again and decide on what it shows now.";

    /// <summary>False when the rollout changed since it was read (the conductor or another admin saved first): nothing was saved.</summary>
    private async Task<bool> SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    private async Task<CommandResult> ChangeServerAsync(
        Guid rotationId, Guid serverId, string action, string verb, Action<SstpRotation, SstpRotationServer> change, CancellationToken ct)
    {
        var rotation = await db.SstpRotations.Include(r => r.Servers).ThenInclude(s => s.Server).FirstOrDefaultAsync(r => r.Id == rotationId, ct);
        var server = rotation?.Servers.FirstOrDefault(s => s.ServerId == serverId);
        if (rotation is null || server is null)
        {
            return CommandResult.NotFound(ServerGone);
        }

        if (rotation.Status != RotationStatus.Stopped || server.State != RotationServerState.Failed)
        {
            return CommandResult.Conflict($"{verb} is for a server that failed in a stopped rollout; {server.Server!.Name} is {RotationText.State(server.State, server.RollbackState)}.");
        }

        if (server.RollbackState == RotationRollbackState.Failed && verb == "Retry")
        {
            return CommandResult.Conflict($"{server.Server!.Name}'s rollback failed, so its state is unknown: fix it by hand, then skip it.");
        }

        change(rotation, server);

        // Servers that still have to import the certificate need the PFX, which a long stop erased.
        if (rotation.ProtectedPfx is null && rotation.Servers.Any(s => s.State == RotationServerState.Pending))
        {
            return CommandResult.Conflict(NeedsPfx);
        }

        // With no other failure left the rollout goes on.
        if (rotation.Servers.All(s => s.State != RotationServerState.Failed))
        {
            rotation.Status = RotationStatus.Running;
            rotation.StatusReason = null;
            rotation.StoppedAt = null;
        }

        db.Audit(action, $"{verb} {server.Server!.Name} in the SSTP certificate rollout of {rotation.Sha1Thumbprint}", "sstp-rotation", rotation.Id.ToString());
        if (!await SaveAsync(ct))
        {
            return CommandResult.Conflict(Moved);
        }

        conductor.Request(null);
        return CommandResult.Done();
    }
}
