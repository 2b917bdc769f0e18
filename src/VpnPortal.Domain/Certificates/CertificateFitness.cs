namespace VpnPortal.Domain.Certificates;

/// <summary>The facts about a certificate that decide what it can be used for (whatever read it: a file, a store, a snapshot).</summary>
public sealed record CertificateFacts
{
    /// <summary>EKU OIDs; empty when the certificate has no EKU extension (all purposes).</summary>
    public required IReadOnlyCollection<string> EnhancedKeyUsages { get; init; }

    public required bool HasPrivateKey { get; init; }
    public required DateTimeOffset NotBefore { get; init; }
    public required DateTimeOffset NotAfter { get; init; }
    public IReadOnlyCollection<string> CrlDistributionPoints { get; init; } = [];

    /// <summary>The first CN of the subject, or null when the subject has none. Clients read it only when there are no DNS SANs.</summary>
    public string? SubjectCommonName { get; init; }

    /// <summary>The DNS names of the Subject Alternative Name extension (without a "DNS:" prefix); empty when there are none.</summary>
    public IReadOnlyCollection<string> DnsNames { get; init; } = [];

    /// <summary>"RSA", "ECDSA", "DSA" (as the agent reports it), or null when unknown.</summary>
    public string? KeyAlgorithm { get; init; }

    /// <summary>The public key's size in bits; 0 when unknown.</summary>
    public int KeySize { get; init; }

    /// <summary>The parts that could not be read ("enhanced key usages unreadable: ..."), as <see cref="CertificateReader"/> says them.</summary>
    public IReadOnlyCollection<string> ReadProblems { get; init; } = [];
}

/// <summary>Whether a certificate fits one use: <see cref="Reasons"/> say why not, <see cref="Warnings"/> what may still go wrong.</summary>
public sealed record FitnessVerdict(bool Fit, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings);

/// <summary>
/// What a certificate is fit for on a VPN fleet, by the rules RRAS and clients apply (see the domain notes): the SSTP
/// listener, an IKEv2 server, and client authentication (user or device tunnel).
/// </summary>
public static class CertificateFitness
{
    /// <summary>
    /// The SSTP listener: Server Authentication or an unrestricted EKU, a private key (RRAS binds only certificates whose key
    /// is in Local Computer\Personal), and within its validity. No CRL distribution point is a warning: clients check
    /// revocation, and fail when they cannot.
    /// </summary>
    public static FitnessVerdict Sstp(CertificateFacts certificate, DateTimeOffset now)
    {
        var reasons = new List<string>();
        if (!EnhancedKeyUsages.AllowsServerAuthentication(certificate.EnhancedKeyUsages))
        {
            reasons.Add("its key usages do not include Server Authentication (1.3.6.1.5.5.7.3.1)");
        }

        return Verdict(certificate, now, reasons, revocationMatters: true);
    }

    /// <summary>An IKEv2 VPN server: Server Authentication and IP security IKE intermediate (or no EKU restriction), a private key, valid.</summary>
    public static FitnessVerdict Ikev2(CertificateFacts certificate, DateTimeOffset now)
    {
        var reasons = new List<string>();
        if (!EnhancedKeyUsages.FitsIkev2Server(certificate.EnhancedKeyUsages))
        {
            var ekus = certificate.EnhancedKeyUsages;
            if (!EnhancedKeyUsages.AllowsServerAuthentication(ekus))
            {
                reasons.Add("its key usages do not include Server Authentication (1.3.6.1.5.5.7.3.1)");
            }

            if (!ekus.Any(e => e.Trim() == EnhancedKeyUsages.IpSecurityIkeIntermediate))
            {
                reasons.Add("its key usages do not include IP security IKE intermediate (1.3.6.1.5.5.8.2.2)");
            }
        }

        return Verdict(certificate, now, reasons, revocationMatters: true);
    }

    /// <summary>Client authentication for a user or device tunnel: Client Authentication (or unrestricted), a private key, valid.</summary>
    public static FitnessVerdict ClientAuthentication(CertificateFacts certificate, DateTimeOffset now)
    {
        var reasons = new List<string>();
        if (!EnhancedKeyUsages.AllowsClientAuthentication(certificate.EnhancedKeyUsages))
        {
            reasons.Add("its key usages do not include Client Authentication (1.3.6.1.5.5.7.3.2)");
        }

        // The VPN server checks the client certificate's revocation too, but a missing CDP there is the issuing CA's
        // concern and shows up on every certificate it issued, so it is not repeated per client certificate.
        return Verdict(certificate, now, reasons, revocationMatters: false);
    }

    private static FitnessVerdict Verdict(CertificateFacts certificate, DateTimeOffset now, List<string> reasons, bool revocationMatters)
    {
        var warnings = new List<string>();

        // Windows cannot decode such a certificate either, so it fails wherever it is used; and what could not be read
        // (an EKU read as "none", hence "all purposes") must not pass for fit.
        reasons.AddRange(certificate.ReadProblems.Select(p => $"part of it cannot be read ({p})"));
        if (!certificate.HasPrivateKey)
        {
            reasons.Add("there is no private key with it (a .cer or .pem file holds only the public certificate)");
        }

        switch (CertificateExpiry.Classify(certificate.NotBefore, certificate.NotAfter, now))
        {
            case ExpiryState.Expired:
                reasons.Add($"it expired on {certificate.NotAfter:yyyy-MM-dd}");
                break;
            case ExpiryState.NotYetValid:
                reasons.Add($"it is not valid before {certificate.NotBefore:yyyy-MM-dd}");
                break;
            case ExpiryState.ExpiringSoon:
                warnings.Add($"it expires on {certificate.NotAfter:yyyy-MM-dd}, within {CertificateExpiry.SoonDays} days");
                break;
        }

        if (revocationMatters && certificate.CrlDistributionPoints.Count == 0)
        {
            warnings.Add("it has no CRL distribution point: clients that check revocation (SSTP does) may refuse it");
        }

        return new FitnessVerdict(reasons.Count == 0, reasons, warnings);
    }
}
