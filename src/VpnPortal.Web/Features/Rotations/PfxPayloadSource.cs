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
    public string Kind => AgentCommandKinds.ImportPfx;

    public async Task<(JsonElement? Payload, string? Refusal)> ExpandAsync(AgentCommand command, CancellationToken ct)
    {
        if (RotationEngine.ReadReference(command.PayloadJson) is not { } reference || command.OperationId != reference.RotationId)
        {
            return (null, "The command does not name its rollout.");
        }

        var rotation = await db.SstpRotations.AsNoTracking()
            .Where(r => r.Id == reference.RotationId)
            .Select(r => new { r.Status, r.ProtectedPfx, r.ProtectedPassword, r.Sha1Thumbprint, InRollout = r.Servers.Any(s => s.ServerId == command.ServerId) })
            .FirstOrDefaultAsync(ct);
        if (rotation is null || !rotation.InRollout)
        {
            return (null, "This server is not in that rollout.");
        }

        if (rotation.Status is not (RotationStatus.Running or RotationStatus.Stopped) || rotation.ProtectedPfx is null || rotation.ProtectedPassword is null)
        {
            return (null, "The rollout has ended and its PFX was deleted.");
        }

        var payload = new ImportPfxPayload
        {
            Pfx = Convert.ToBase64String(secrets.Unprotect(rotation.ProtectedPfx)),
            Password = secrets.UnprotectPassword(rotation.ProtectedPassword),
            Sha1Thumbprint = rotation.Sha1Thumbprint,
        };
        return (JsonSerializer.SerializeToElement(payload, AgentJson.Options), null);
    }
}
