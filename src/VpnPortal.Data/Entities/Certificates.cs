using VpnPortal.Data.Auditing;

namespace VpnPortal.Data.Entities;

/// <summary>An X.509 certificate known to the portal, identified by its SHA-1 thumbprint.</summary>
[Audited("certificate")]
public sealed class Certificate : IVersioned
{
    public Guid Id { get; set; }

    /// <summary>Upper-case hex, 40 characters: what Windows shows as the thumbprint and netsh as the hash.</summary>
    public string Sha1Thumbprint { get; set; } = "";

    /// <summary>Upper-case hex, 64 characters: what SHA256CertificateHash holds for TLS offload.</summary>
    public string Sha256Thumbprint { get; set; } = "";

    public string Subject { get; set; } = "";
    public List<string> SubjectAlternativeNames { get; set; } = [];
    public string Issuer { get; set; } = "";
    public string SerialNumber { get; set; } = "";
    public DateTimeOffset NotBefore { get; set; }
    public DateTimeOffset NotAfter { get; set; }

    /// <summary>EKU OIDs; empty means no EKU extension (all purposes).</summary>
    public List<string> EnhancedKeyUsages { get; set; } = [];

    public List<string> CrlDistributionPoints { get; set; } = [];
    public string KeyAlgorithm { get; set; } = "";
    public int KeySize { get; set; }
    public bool IsCertificateAuthority { get; set; }

    /// <summary>The DER encoding (public certificate only), so it can be pushed to other servers' stores.</summary>
    [NotAudited]
    public byte[]? RawData { get; set; }

    public CertificateSource Source { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public string? Notes { get; set; }
    public Guid Version { get; set; }

    public List<CertificateLocation> Locations { get; set; } = [];
}

public enum CertificateSource
{
    Reported = 1,
    Uploaded = 2,
}

/// <summary>
/// A name a certificate answers to (its presented DNS names and its subject CN), upper-case: the index the alert scan
/// finds a certificate's successors by without reading every certificate. Written with the certificate's row (its
/// names never change: the row is read from the DER once); one with no name at all has a single empty name, so a
/// certificate without rows is one written before the index existed, which the scan indexes.
/// </summary>
public sealed class CertificateName
{
    public Guid CertificateId { get; set; }
    public Certificate? Certificate { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The rows that index <paramref name="certificate"/>: one per name key, or the single empty one.</summary>
    public static IEnumerable<CertificateName> For(Certificate certificate) =>
        For(certificate.Id, certificate.Subject, certificate.SubjectAlternativeNames);

    /// <summary>The rows that index the certificate with this id, subject and subject alternative names.</summary>
    public static IEnumerable<CertificateName> For(Guid certificateId, string? subject, IEnumerable<string>? subjectAlternativeNames)
    {
        var keys = Domain.Alerts.AlertResolution.NameKeysOf(subject ?? "", subjectAlternativeNames ?? []);
        return (keys.Count == 0 ? [""] : keys).Select(k => new CertificateName { CertificateId = certificateId, Name = k });
    }
}

/// <summary>Local Computer certificate stores (and the enterprise NTAuth store) the portal tracks.</summary>
public enum CertificateStoreName
{
    My = 1,
    Disallowed = 2,
    NTAuth = 3,
    Root = 4,
    CA = 5,
}

/// <summary>Where a certificate is installed: one server's store. Private key presence is per installation.</summary>
public sealed class CertificateLocation
{
    public Guid Id { get; set; }
    public Guid CertificateId { get; set; }
    public Certificate? Certificate { get; set; }
    public Guid ServerId { get; set; }
    public ManagedServer? Server { get; set; }
    public CertificateStoreName Store { get; set; }
    public bool HasPrivateKey { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
}

/// <summary>Desired state: this certificate must be in the Disallowed store of every RRAS server.</summary>
[Audited("untrusted-certificate")]
public sealed class UntrustedCertificate : IVersioned
{
    public Guid Id { get; set; }
    public Guid CertificateId { get; set; }
    public Certificate? Certificate { get; set; }
    public string? Reason { get; set; }
    public Guid AddedByUserId { get; set; }
    public DateTimeOffset AddedAt { get; set; }

    /// <summary>
    /// Set when an admin takes the certificate out of the set: the portal then removes it from the Disallowed store of
    /// every RRAS server and deletes this row once no server reports it there. Null while it must be in place.
    /// </summary>
    public DateTimeOffset? RemovalRequestedAt { get; set; }

    public Guid? RemovalRequestedByUserId { get; set; }
    public Guid Version { get; set; }

    public List<UntrustedCertificatePlacement> Placements { get; set; } = [];
}

/// <summary>
/// One RRAS server's side of an untrusted certificate, kept by the portal's convergence: whether a report of that
/// server confirmed the certificate in its Disallowed store, and the last command sent to put it there (or take it out).
/// </summary>
public sealed class UntrustedCertificatePlacement : IVersioned
{
    public Guid Id { get; set; }
    public Guid UntrustedCertificateId { get; set; }
    public UntrustedCertificate? UntrustedCertificate { get; set; }
    public Guid ServerId { get; set; }
    public ManagedServer? Server { get; set; }

    /// <summary>When a report first showed it in Disallowed; cleared when a later report no longer does (drift).</summary>
    public DateTimeOffset? ConfirmedAt { get; set; }

    /// <summary>The latest import or remove command for this server and certificate; null before the first one.</summary>
    public Guid? LastCommandId { get; set; }

    public AgentCommand? LastCommand { get; set; }
    public DateTimeOffset? LastPushedAt { get; set; }

    /// <summary>
    /// When the portal first saw the last command succeed, by its own clock (the agent's may differ): only a report
    /// applied after this shows the command's effect. Null until then, and again once a new command is pushed.
    /// </summary>
    public DateTimeOffset? SucceededSeenAt { get; set; }

    /// <summary>Claimed on every push, so two portal nodes cannot both queue a command for the same server and certificate.</summary>
    public Guid Version { get; set; }
}

/// <summary>
/// An untrusted certificate that disappeared from a server's Disallowed store after a report had confirmed it there
/// (someone removed it): when the portal saw it, and when a report showed it back in place.
/// </summary>
public sealed class UntrustedCertificateDrift
{
    public Guid Id { get; set; }
    public Guid CertificateId { get; set; }
    public Certificate? Certificate { get; set; }
    public Guid ServerId { get; set; }
    public ManagedServer? Server { get; set; }

    /// <summary>The time of the report that no longer listed it.</summary>
    public DateTimeOffset DetectedAt { get; set; }

    /// <summary>The time a report listed it again; null while it is still missing.</summary>
    public DateTimeOffset? CorrectedAt { get; set; }
}
