using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.AgentApi;

namespace VpnPortal.Web.Features.Rotations;

/// <summary>
/// Fills in an import-pfx command's PFX and password at the moment its agent collects it: only for a server of that
/// rollout, and only while the rollout is open. Nothing secret is ever stored in the command itself.
/// </summary>
public sealed class PfxPayloadSource(PortalDbContext db, RotationSecrets secrets) : ICommandPayloadSource
{
    public const string PfxUnreadable =
        "The rollout's PFX can no longer be decrypted: the data-protection key that encrypted it is missing or was replaced. Upload the PFX again to resume the rollout.";

    public string Kind => AgentCommandKinds.ImportPfx;

    public async Task<(JsonElement? Payload, string? Refusal)> ExpandAsync(AgentCommand command, CancellationToken ct)
    {
        if (RotationEngine.ReadReference(command.PayloadJson) is not { } reference || command.OperationId != reference.RotationId)
        {
            return (null, "The command does not name its rollout.");
        }

        var rotation = await db.SstpRotations.AsNoTracking()
            .Where(r => r.Id == reference.RotationId)
            .Select(r => new { r.Status, r.ProtectedPfx, r.ProtectedPassword, r.Sha1Thumbprint, r.PfxErasedAt, InRollout = r.Servers.Any(s => s.ServerId == command.ServerId) })
            .FirstOrDefaultAsync(ct);
        if (rotation is null || !rotation.InRollout)
        {
            return (null, "This server is not in that rollout.");
        }

        if (rotation.Status is not (RotationStatus.Running or RotationStatus.Stopped))
        {
            return (null, "The rollout has ended and its PFX was deleted.");
        }

        if (rotation.ProtectedPfx is null || rotation.ProtectedPassword is null)
        {
            return (null, rotation.PfxErasedAt is null
                ? "The rollout's PFX was deleted."
                : "The rollout's PFX was erased while it waited for a decision; upload it again to resume the rollout.");
        }

        byte[] pfx;
        string password;
        try
        {
            pfx = secrets.Unprotect(rotation.ProtectedPfx);
            password = secrets.UnprotectPassword(rotation.ProtectedPassword);
        }
        catch (CryptographicException)
        {
            return (null, PfxUnreadable);
        }

        var payload = new ImportPfxPayload
        {
            Pfx = Convert.ToBase64String(pfx),
            Password = password,
            Sha1Thumbprint = rotation.Sha1Thumbprint,
        };
        return (JsonSerializer.SerializeToElement(payload, AgentJson.Options), null);
    }
}
