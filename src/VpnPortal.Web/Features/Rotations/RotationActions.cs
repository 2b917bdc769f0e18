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
    /// <summary>Null when done; otherwise why not (for a 409 or the page; a 400 when <paramref name="Invalid"/>: the upload itself is wrong).</summary>
    public sealed record Outcome(bool Found, string? Refusal, bool Invalid = false);

    /// <summary>Runs the server's rotation again from its first step (the server must have failed and been rolled back or left alone).</summary>
    public Task<Outcome> RetryAsync(Guid rotationId, Guid serverId, AuditActor actor, CancellationToken ct = default) =>
        ChangeServerAsync(rotationId, serverId, "rotation.server-retried", "Retry", (rotation, server) =>
        {
            server.State = RotationServerState.Pending;
            server.RollbackState = RotationRollbackState.None;
            server.Step = null;
            server.CommandId = null;
            server.CompletedAt = null;
        }, ct);

    /// <summary>Leaves the server on the certificate it has and lets the rollout go on with the next.</summary>
    public Task<Outcome> SkipAsync(Guid rotationId, Guid serverId, AuditActor actor, CancellationToken ct = default) =>
        ChangeServerAsync(rotationId, serverId, "rotation.server-skipped", "Skip", (rotation, server) =>
        {
            server.State = RotationServerState.Skipped;
            server.Step = null;
            server.CommandId = null;
        }, ct);

    /// <summary>Ends the rollout: servers not yet rotated keep their certificate; the PFX and password are deleted.</summary>
    public async Task<Outcome> AbandonAsync(Guid rotationId, AuditActor actor, CancellationToken ct = default)
    {
        var rotation = await db.SstpRotations.Include(r => r.Servers).ThenInclude(s => s.Server).FirstOrDefaultAsync(r => r.Id == rotationId, ct);
        if (rotation is null)
        {
            return new(false, null);
        }

        if (rotation.Status is RotationStatus.Completed or RotationStatus.Abandoned)
        {
            return new(true, "The rollout has already ended.");
        }

        if (rotation.Servers.FirstOrDefault(s => s.State == RotationServerState.InProgress) is { } busy)
        {
            return new(true, $"{busy.Server!.Name} is in the middle of a step; abandon once it has finished or been rolled back, so no server is left half-changed.");
        }

        rotation.Status = RotationStatus.Abandoned;
        rotation.EndedAt = time.GetUtcNow();
        var done = rotation.Servers.Count(s => s.State == RotationServerState.Done);
        rotation.StatusReason = $"Abandoned by {actor.Name}; the certificate is in use on {done} of {rotation.Servers.Count} server(s).";
        RotationEngine.Forget(rotation);
        db.Audit("rotation.abandoned", $"Abandoned the SSTP certificate rollout of {rotation.Sha1Thumbprint}", "sstp-rotation", rotation.Id.ToString());
        return await SaveAsync(ct) ? new(true, null) : new(true, Moved);
    }

    private const string NeedsPfx = "The rollout's PFX was erased while it waited for a decision: upload it again, then decide.";

    /// <summary>
    /// Stores the PFX of a stopped rollout again (after it was erased, or when it can no longer be decrypted). It must
    /// hold the rollout's own certificate with its private key; nothing else changes, so the admin then retries or skips.
    /// </summary>
    public async Task<Outcome> UploadPfxAsync(Guid rotationId, byte[] pfx, string fileName, string? password, AuditActor actor, CancellationToken ct = default)
    {
        var rotation = await db.SstpRotations.FirstOrDefaultAsync(r => r.Id == rotationId, ct);
        if (rotation is null)
        {
            return new(false, null);
        }

        if (rotation.Status != RotationStatus.Stopped)
        {
            return new(true, rotation.Status is RotationStatus.Completed or RotationStatus.Abandoned
                ? "The rollout has ended; start a new one."
                : "The rollout is running with its PFX; an upload is for a stopped rollout.");
        }

        if (pfx.Length == 0 || pfx.Length > options.Value.MaxPfxBytes)
        {
            return new(true, $"Choose the PFX file (at most {options.Value.MaxPfxBytes / 1024} KB).", Invalid: true);
        }

        X509Certificate2 certificate;
        string format;
        try
        {
            (certificate, format) = CertificateFiles.Load(pfx, password, string.IsNullOrWhiteSpace(fileName) ? "the file" : Path.GetFileName(fileName));
        }
        catch (CertificateFileException e)
        {
            return new(true, e.Message, Invalid: true);
        }

        using (certificate)
        {
            if (format != "PFX" || !certificate.HasPrivateKey)
            {
                return new(true, "The file holds only a public certificate; upload the PFX with its private key.", Invalid: true);
            }

            if (!string.Equals(certificate.Thumbprint, rotation.Sha1Thumbprint, StringComparison.OrdinalIgnoreCase))
            {
                return new(true, $"This PFX holds {certificate.Thumbprint.ToUpperInvariant()}, not the rollout's certificate {rotation.Sha1Thumbprint}.", Invalid: true);
            }
        }

        rotation.ProtectedPfx = secrets.Protect(pfx);
        rotation.ProtectedPassword = secrets.ProtectPassword(password ?? "");
        rotation.PfxErasedAt = null;
        rotation.StoppedAt = time.GetUtcNow();
        db.Audit("rotation.pfx-uploaded", $"Uploaded the PFX of the SSTP certificate rollout of {rotation.Sha1Thumbprint} again", "sstp-rotation", rotation.Id.ToString());
        return await SaveAsync(ct) ? new(true, null) : new(true, Moved);
    }

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

    private async Task<Outcome> ChangeServerAsync(
        Guid rotationId, Guid serverId, string action, string verb, Action<SstpRotation, SstpRotationServer> change, CancellationToken ct)
    {
        var rotation = await db.SstpRotations.Include(r => r.Servers).ThenInclude(s => s.Server).FirstOrDefaultAsync(r => r.Id == rotationId, ct);
        var server = rotation?.Servers.FirstOrDefault(s => s.ServerId == serverId);
        if (rotation is null || server is null)
        {
            return new(false, null);
        }

        if (rotation.Status != RotationStatus.Stopped || server.State != RotationServerState.Failed)
        {
            return new(true, $"{verb} is for a server that failed in a stopped rollout; {server.Server!.Name} is {RotationText.State(server.State, server.RollbackState)}.");
        }

        if (server.RollbackState == RotationRollbackState.Failed && verb == "Retry")
        {
            return new(true, $"{server.Server!.Name}'s rollback failed, so its state is unknown: fix it by hand, then skip it.");
        }

        change(rotation, server);

        // Servers that still have to import the certificate need the PFX, which a long stop erased.
        if (rotation.ProtectedPfx is null && rotation.Servers.Any(s => s.State == RotationServerState.Pending))
        {
            return new(true, NeedsPfx);
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
            return new(true, Moved);
        }

        conductor.Request(null);
        return new(true, null);
    }
}
