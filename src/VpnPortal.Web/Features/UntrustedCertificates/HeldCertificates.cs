using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.UntrustedCertificates;

/// <summary>
/// What servers hold in their Untrusted Certificates (Disallowed) store that the portal did not put there: certificates
/// with no entry in the untrusted set. They are untrusted on those servers all the same, so the pages say so; an admin
/// adopts one into the set or removes it from a server.
/// </summary>
public static class HeldCertificates
{
    /// <summary>The Disallowed locations of certificates the untrusted set does not manage.</summary>
    public static IQueryable<CertificateLocation> Unmanaged(PortalDbContext db) =>
        db.CertificateLocations.Where(l => l.Store == CertificateStoreName.Disallowed && !db.UntrustedCertificates.Any(u => u.CertificateId == l.CertificateId));
}

/// <summary>Import and remove commands for the Disallowed store, with the thumbprint each names (read from its payload).</summary>
public static class DisallowedCommands
{
    public sealed record Command(
        Guid Id, Guid ServerId, string Kind, AgentCommandStatus Status, string Sha1Thumbprint, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string? ResultMessage);

    /// <summary>The import and remove commands among <paramref name="commands"/> that name the Disallowed store.</summary>
    public static async Task<List<Command>> ReadAsync(IQueryable<AgentCommand> commands, CancellationToken ct)
    {
        var rows = await commands
            .Where(c => c.Kind == AgentCommandKinds.ImportCertificate || c.Kind == AgentCommandKinds.RemoveCertificate)
            .Select(c => new { c.Id, c.ServerId, c.Kind, c.Status, c.PayloadJson, c.CreatedAt, c.CompletedAt, c.ResultMessage })
            .ToListAsync(ct);
        var result = new List<Command>(rows.Count);
        foreach (var row in rows)
        {
            // Both payloads carry the store and the thumbprint; this reads only those two.
            var target = JsonSerializer.Deserialize<RemoveCertificatePayload>(row.PayloadJson, AgentJson.Options);
            if (target is { Store: CertificateStoreKind.Disallowed })
            {
                result.Add(new Command(row.Id, row.ServerId, row.Kind, row.Status, target.Sha1Thumbprint.ToUpperInvariant(), row.CreatedAt, row.CompletedAt, row.ResultMessage));
            }
        }

        return result;
    }
}
