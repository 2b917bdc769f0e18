using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Naming;
using VpnPortal.Domain.Sessions;
using VpnPortal.Web.AgentApi;
using VpnPortal.Web.Features.Disconnects;

namespace VpnPortal.Web.Features.UntrustedCertificates;

/// <summary>
/// "Untrust a device certificate on every VPN server": records the desired state (the certificate must be in the
/// Untrusted Certificates store of every RRAS server), queues the first imports as the admin who asked, and optionally
/// disconnects the device's live sessions. The certificate comes from an uploaded file or from the inventory.
/// </summary>
public sealed class UntrustCertificate(PortalDbContext db, TimeProvider time, UntrustedCertificateConvergence convergence, StartDisconnect disconnect)
{
    /// <summary>A device certificate is one or two kilobytes; anything near this is not one.</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>
    /// What to untrust: the bytes of a certificate file (PEM or DER/.cer; a PFX is refused) named <paramref name="FileName"/>,
    /// or the SHA-1 thumbprint of a certificate the portal already knows. Exactly one of the two.
    /// </summary>
    public sealed record Request(byte[]? File, string? FileName, string? Sha1Thumbprint, string? Reason, bool DisconnectSessions)
    {
        /// <summary>
        /// The servers whose Untrusted Certificates store already held it before the portal managed it, when an admin adopts
        /// it into the set from there (<see cref="AdoptUntrustedCertificate"/>); null for an untrust.
        /// </summary>
        public IReadOnlyList<string>? AdoptedFrom { get; init; }
    }

    /// <summary>
    /// What was done: the set's entry, the imports queued now, and the disconnect operation when one was started.
    /// <paramref name="ReadProblems"/> names the parts of the certificate that could not be read (it is untrusted by its
    /// bytes all the same).
    /// </summary>
    public sealed record Done(
        Guid Id, Guid CertificateId, string Sha1Thumbprint, string Subject, string? DeviceName, int CommandsQueued, string Summary,
        Guid? DisconnectOperationId, string? DisconnectSummary, IReadOnlyList<string> ReadProblems);

    /// <summary>What a chosen file holds, for the page to show before the admin confirms; with the parts that could not be read.</summary>
    public sealed record Preview(
        string Sha1Thumbprint, string Subject, string Issuer, string? DeviceName, DateTimeOffset NotAfter, bool IsCertificateAuthority, IReadOnlyList<string> ReadProblems);

    /// <summary>Reads an uploaded file as <see cref="RunAsync"/> will: the certificate's identity, or why it is refused.</summary>
    public static (Preview? Preview, string? Error) Inspect(byte[] data, string name)
    {
        if (data.Length > MaxFileBytes)
        {
            return (null, TooLarge(name, data.Length));
        }

        try
        {
            using var x509 = LoadPublicCertificate(data, name);
            var report = CertificateReader.Read(x509);
            return (new Preview(
                report.Sha1Thumbprint, report.Subject, report.Issuer, DeviceNames.Of(report.Subject, report.SubjectAlternativeNames), report.NotAfter,
                report.IsCertificateAuthority, report.ReadProblems), null);
        }
        catch (CertificateFileException e)
        {
            return (null, e.Message);
        }
    }

    private static string TooLarge(string name, long bytes) =>
        $"{name} is {bytes / 1024} KB; a certificate file is a few KB. Upload the device's certificate (.cer, .crt or .pem).";

    public async Task<CommandResult<Done>> RunAsync(Request request, AuditActor actor, CancellationToken ct = default)
    {
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        if (reason?.Length > FieldLimits.Notes)
        {
            return CommandResult<Done>.Invalid(nameof(Request.Reason), $"The reason has at most {FieldLimits.Notes} characters.");
        }

        if (request.File is null == string.IsNullOrWhiteSpace(request.Sha1Thumbprint))
        {
            return CommandResult<Done>.Invalid("", "Give either a certificate file or the SHA-1 thumbprint of a certificate the portal knows, not both and not neither.");
        }

        var now = time.GetUtcNow();
        var found = request.File is not null
            ? await FromFileAsync(request.File, string.IsNullOrWhiteSpace(request.FileName) ? "The file" : request.FileName.Trim(), now, ct)
            : await FromInventoryAsync(request.Sha1Thumbprint!, ct);
        if (!found.Succeeded)
        {
            return found.As<Done>();
        }

        var certificate = found.Value!;
        if (await RefusalAsync(certificate, ct) is { } refusal)
        {
            return CommandResult<Done>.Invalid("", refusal);
        }

        var deviceName = DeviceNames.Of(certificate.Subject, certificate.SubjectAlternativeNames);
        VpnIdentity? device = null;
        if (request.DisconnectSessions)
        {
            // Checked before anything is written: a refused request changes nothing.
            (device, var identityError) = VpnIdentity.Parse(deviceName);
            if (device is null)
            {
                return CommandResult<Done>.Invalid("", $"Cannot disconnect the device's sessions: the certificate names no usable device ({identityError}) Untrust it without disconnecting, then disconnect the device by name.");
            }
        }

        var (saved, outcome) = await convergence.ChangeAndConvergeAsync(
            db, actor, () => SaveAsync(certificate, reason, request.DisconnectSessions, request.AdoptedFrom, actor, now, ct), ct);
        if (saved.Id is not { } id)
        {
            return saved.As<Done>();
        }

        Guid? operationId = null;
        string? disconnectSummary = null;
        if (device is not null)
        {
            var started = await disconnect.RunAsync(device.Name, actor, enforceFor: null, ct);
            operationId = started.Value?.OperationId;
            disconnectSummary = started.Value?.Summary ?? $"Sessions were not disconnected: {started.Error}";
        }

        var name = DistinguishedNames.ShortName(certificate.Subject);
        var what = request.AdoptedFrom is null ? "is untrusted" : "is in the untrusted set";
        var summary = outcome is { Queued: var n }
            ? $"{name} {what}; imports queued on {n} {(n == 1 ? "server" : "servers")}."
            : $"{name} {what}; the imports are being queued in the background.";
        return CommandResult<Done>.Ok(
            new Done(
                id, certificate.Id, certificate.Sha1Thumbprint, certificate.Subject, deviceName, outcome?.Queued ?? 0, summary, operationId, disconnectSummary,
                CertificateReader.ReadProblems(certificate.RawData)),
            id);
    }

    /// <summary>
    /// Records the desired state (or puts back a certificate being removed) and returns its entry's id; or, for a
    /// certificate already in the set, why not (a conflict).
    /// </summary>
    private async Task<(CommandResult Result, Guid? EntryId)> SaveAsync(
        Certificate certificate, string? reason, bool disconnectSessions, IReadOnlyList<string>? adoptedFrom, AuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var name = DistinguishedNames.ShortName(certificate.Subject);
        var entry = await db.UntrustedCertificates.FirstOrDefaultAsync(u => u.CertificateId == certificate.Id, ct);
        if (entry is { RemovalRequestedAt: null })
        {
            return (CommandResult.Conflict($"{name} is already untrusted (since {ListUntrustedCertificates.Utc(entry.AddedAt)})."), null);
        }

        if (entry is not null && adoptedFrom is not null)
        {
            return (CommandResult.Conflict($"{name} is being taken out of the untrusted set by the portal: it is managed already. Untrust it again to keep it."), null);
        }

        if (entry is null)
        {
            entry = new UntrustedCertificate { Id = Guid.NewGuid(), CertificateId = certificate.Id };
            db.UntrustedCertificates.Add(entry);
        }

        // A certificate being taken out of the set is simply put back: the pass cancels the removals not yet collected.
        entry.Reason = reason;
        entry.AddedAt = now;
        entry.AddedByUserId = actor.UserId ?? Guid.Empty;
        entry.RemovalRequestedAt = null;
        entry.RemovalRequestedByUserId = null;
        if (adoptedFrom is null)
        {
            db.Audit(
                "untrusted-certificate.added",
                $"Untrusted {name} on every RRAS server{(reason is null ? "" : $": {reason}")}",
                "untrusted-certificate",
                entry.Id.ToString(),
                after: new { certificate.Sha1Thumbprint, certificate.Subject, Reason = reason, DisconnectSessions = disconnectSessions });
        }
        else
        {
            db.Audit(
                "untrusted-certificate.adopted",
                $"Adopted {name} into the untrusted set from the Untrusted Certificates store of {string.Join(", ", adoptedFrom)}: the portal keeps it on every RRAS server now{(reason is null ? "" : $": {reason}")}",
                "untrusted-certificate",
                entry.Id.ToString(),
                after: new { certificate.Sha1Thumbprint, certificate.Subject, Reason = reason, AdoptedFrom = adoptedFrom });
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two admins untrusting one certificate at once: the unique index lets one through. Anything else is a real failure.
            if (!await AlreadyUntrustedAsync(certificate.Sha1Thumbprint, ct))
            {
                throw;
            }

            return (CommandResult.Conflict($"{name} was untrusted by someone else a moment ago."), null);
        }

        return (CommandResult.Ok(entry.Id), entry.Id);
    }

    private async Task<CommandResult<Certificate>> FromFileAsync(byte[] data, string name, DateTimeOffset now, CancellationToken ct)
    {
        if (data.Length > MaxFileBytes)
        {
            return CommandResult<Certificate>.Invalid("", TooLarge(name, data.Length));
        }

        X509Certificate2 x509;
        try
        {
            x509 = LoadPublicCertificate(data, name);
        }
        catch (CertificateFileException e)
        {
            return CommandResult<Certificate>.Invalid("", e.Message);
        }

        using (x509)
        {
            var sha1 = Convert.ToHexString(x509.GetCertHash(HashAlgorithmName.SHA1));
            var known = await db.Certificates.FirstOrDefaultAsync(c => c.Sha1Thumbprint == sha1, ct);
            if (known is not null)
            {
                // Reported by an agent without its bytes (older reports): keep the uploaded copy so it can be pushed.
                known.RawData ??= x509.RawData;
                return CommandResult<Certificate>.Ok(known);
            }

            var row = ApplySnapshot.CertificateRow(x509, CertificateSource.Uploaded, now);
            db.Certificates.Add(row);
            return CommandResult<Certificate>.Ok(row);
        }
    }

    private async Task<CommandResult<Certificate>> FromInventoryAsync(string thumbprint, CancellationToken ct)
    {
        var sha1 = Thumbprints.Normalize(thumbprint);
        if (sha1 is not { Length: 40 })
        {
            return CommandResult<Certificate>.Invalid("", "A SHA-1 thumbprint is 40 hexadecimal characters (spaces and colons are ignored).");
        }

        var certificate = await db.Certificates.FirstOrDefaultAsync(c => c.Sha1Thumbprint == sha1, ct);
        if (certificate is null)
        {
            return CommandResult<Certificate>.NotFound($"No certificate with SHA-1 {sha1} is known to the portal: upload its file instead.");
        }

        return certificate.RawData is null
            ? CommandResult<Certificate>.Invalid("", $"The portal has no copy of certificate {sha1} to push to the servers: upload its file instead.")
            : CommandResult<Certificate>.Ok(certificate);
    }

    /// <summary>Certificates that must never go to Disallowed: a CA (everything it issued would fail) and what the VPN itself presents.</summary>
    private async Task<string?> RefusalAsync(Certificate certificate, CancellationToken ct)
    {
        var name = DistinguishedNames.ShortName(certificate.Subject);
        if (certificate.IsCertificateAuthority)
        {
            return $"{name} is a CA certificate: untrusting it would make the servers refuse every certificate it issued. Untrust device certificates here; revoke a CA at the CA.";
        }

        var sha1 = certificate.Sha1Thumbprint;
        var usedBy = await db.RrasServers.AsNoTracking()
            .Where(s => s.Sstp.ConfiguredCertificateSha1 == sha1 || s.SstpBindings.Any(b => b.CertificateHash == sha1))
            .Select(s => s.Name)
            .ToListAsync(ct);
        usedBy.AddRange(await db.NpsServers.AsNoTracking().Where(s => s.MfaExtensionCertificateSha1 == sha1).Select(s => s.Name).ToListAsync(ct));
        usedBy.Sort(StringComparer.OrdinalIgnoreCase);
        return usedBy.Count == 0
            ? null
            : $"{name} is in use by {string.Join(", ", usedBy)} (SSTP or the MFA extension): untrusting it would break the VPN. Untrust device certificates only.";
    }

    private Task<bool> AlreadyUntrustedAsync(string sha1, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return db.UntrustedCertificates.AnyAsync(u => u.Certificate!.Sha1Thumbprint == sha1 && u.RemovalRequestedAt == null, ct);
    }

    /// <summary>The public certificate in an uploaded file (PEM or DER); a PFX, a container, garbage or an empty file is refused with a message for people.</summary>
    private static X509Certificate2 LoadPublicCertificate(byte[] data, string name) => CertificateFiles.LoadPublicCertificate(data, name).Certificate;
}
