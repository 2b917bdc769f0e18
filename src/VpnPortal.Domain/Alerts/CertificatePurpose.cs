using VpnPortal.Domain.Certificates;

namespace VpnPortal.Domain.Alerts;

/// <summary>What a watched certificate is for, from where it is installed and how the server uses it.</summary>
public enum CertificatePurpose
{
    /// <summary>The certificate RRAS is configured to use for SSTP, or the one HTTP.sys binds for SSTP.</summary>
    Sstp = 1,

    /// <summary>An RRAS server's IKEv2 machine certificate (Personal store, IP security IKE intermediate EKU).</summary>
    Ikev2 = 2,

    /// <summary>An NPS server's certificate (PEAP/EAP server authentication).</summary>
    NpsServer = 3,

    /// <summary>A CA certificate in the enterprise NTAuth store: without it client certificates fail with 853.</summary>
    NtAuthCa = 4,

    /// <summary>The certificate the Azure MFA NPS extension authenticates with.</summary>
    MfaExtension = 5,

    /// <summary>A CA certificate in a server's Root or Intermediate store.</summary>
    CaCertificate = 6,

    /// <summary>Any other certificate in a server's Personal store.</summary>
    OtherServerCertificate = 7,

    /// <summary>Uploaded to the portal and waiting in an open SSTP rollout.</summary>
    PendingRotation = 8,
}

/// <summary>The stores the portal tracks; the same numbers as the data model's store names.</summary>
public enum WatchedStore
{
    My = 1,
    Disallowed = 2,
    NTAuth = 3,
    Root = 4,
    CA = 5,

    /// <summary>Not on a server: held by the portal (an uploaded certificate waiting for a rollout).</summary>
    Portal = 100,
}

/// <summary>How a server is set up, as far as purposes are concerned.</summary>
public sealed record ServerUse(bool IsRras, string? ConfiguredSstpSha1, IReadOnlyCollection<string> SstpBoundSha1, string? MfaExtensionSha1)
{
    public static ServerUse Rras(string? configuredSstpSha1 = null, params string[] bound) => new(true, configuredSstpSha1, bound, null);

    public static ServerUse Nps(string? mfaExtensionSha1 = null) => new(false, null, [], mfaExtensionSha1);
}

public static class CertificatePurposes
{
    /// <summary>
    /// The purposes of a certificate in one store of one server. Untrusted (Disallowed) certificates have none: they are
    /// deliberately distrusted, so their expiry is nobody's emergency. The subject is read too: the Azure MFA extension's
    /// certificates are known by name where the agent does not name them (old ones stay behind after a renewal).
    /// </summary>
    public static IReadOnlyList<CertificatePurpose> Of(WatchedStore store, string sha1, string subject, IReadOnlyCollection<string> enhancedKeyUsages, ServerUse server)
    {
        switch (store)
        {
            case WatchedStore.Disallowed:
                return [];
            case WatchedStore.NTAuth:
                return [CertificatePurpose.NtAuthCa];
            case WatchedStore.Root or WatchedStore.CA:
                return [CertificatePurpose.CaCertificate];
            case WatchedStore.Portal:
                return [CertificatePurpose.PendingRotation];
        }

        var purposes = new List<CertificatePurpose>(2);
        if (server.IsRras)
        {
            if (Same(sha1, server.ConfiguredSstpSha1) || server.SstpBoundSha1.Any(b => Same(sha1, b)))
            {
                purposes.Add(CertificatePurpose.Sstp);
            }

            // The IKE intermediate EKU is asked for only by IKEv2 server certificates; "all purposes" does not make one.
            if (enhancedKeyUsages.Any(e => e.Trim() == EnhancedKeyUsages.IpSecurityIkeIntermediate))
            {
                purposes.Add(CertificatePurpose.Ikev2);
            }
        }
        else
        {
            if (Same(sha1, server.MfaExtensionSha1) || MfaExtensionCertificates.IsNamedLikeOne(subject))
            {
                purposes.Add(CertificatePurpose.MfaExtension);
            }
            else if (EnhancedKeyUsages.NamesServerAuthentication(enhancedKeyUsages))
            {
                // NPS offers only certificates that name Server Authentication for PEAP; "all purposes" does not make one.
                purposes.Add(CertificatePurpose.NpsServer);
            }
        }

        if (purposes.Count == 0)
        {
            purposes.Add(CertificatePurpose.OtherServerCertificate);
        }

        return purposes;
    }

    /// <summary>Every purpose a certificate in <paramref name="store"/> can have (<see cref="Of"/> gives one of these).</summary>
    public static IReadOnlyList<CertificatePurpose> PossibleIn(WatchedStore store) => store switch
    {
        WatchedStore.NTAuth => [CertificatePurpose.NtAuthCa],
        WatchedStore.Root or WatchedStore.CA => [CertificatePurpose.CaCertificate],
        WatchedStore.Portal => [CertificatePurpose.PendingRotation],
        WatchedStore.My => [CertificatePurpose.Sstp, CertificatePurpose.Ikev2, CertificatePurpose.NpsServer, CertificatePurpose.MfaExtension, CertificatePurpose.OtherServerCertificate],
        _ => [],
    };

    /// <summary>How people read a purpose.</summary>
    public static string Describe(CertificatePurpose purpose) => purpose switch
    {
        CertificatePurpose.Sstp => "SSTP server certificate",
        CertificatePurpose.Ikev2 => "IKEv2 server certificate",
        CertificatePurpose.NpsServer => "NPS server certificate",
        CertificatePurpose.NtAuthCa => "CA in NTAuth",
        CertificatePurpose.MfaExtension => "MFA NPS extension certificate",
        CertificatePurpose.CaCertificate => "CA certificate",
        CertificatePurpose.OtherServerCertificate => "Other server certificate",
        CertificatePurpose.PendingRotation => "Waiting in an SSTP rollout",
        _ => purpose.ToString(),
    };

    /// <summary>The store as people read it.</summary>
    public static string Describe(WatchedStore store) => store switch
    {
        WatchedStore.My => "Personal",
        WatchedStore.Disallowed => "Untrusted Certificates",
        WatchedStore.NTAuth => "NTAuth",
        WatchedStore.Root => "Trusted Root CAs",
        WatchedStore.CA => "Intermediate CAs",
        WatchedStore.Portal => "Portal (rollout)",
        _ => store.ToString(),
    };

    private static bool Same(string sha1, string? other) => other is not null && string.Equals(sha1, other, StringComparison.OrdinalIgnoreCase);
}
