namespace VpnPortal.Domain.Certificates;

/// <summary>A certificate purpose as people read it: the OID and, when it is a well-known one, its name.</summary>
public sealed record NamedKeyUsage(string? Oid, string Name, bool IsKnown);

/// <summary>
/// Enhanced key usage (EKU) OIDs: their names, and what a certificate's EKU list allows. A certificate
/// without an EKU extension (an empty list) or with "Any Purpose" is valid for every purpose.
/// </summary>
public static class EnhancedKeyUsages
{
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    public const string IpSecurityIkeIntermediate = "1.3.6.1.5.5.8.2.2";
    public const string AnyPurpose = "2.5.29.37.0";

    public const string AllPurposesName = "All purposes";

    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        [ServerAuthentication] = "Server Authentication",
        [ClientAuthentication] = "Client Authentication",
        [IpSecurityIkeIntermediate] = "IP security IKE intermediate",
        [AnyPurpose] = "Any Purpose",
        ["1.3.6.1.5.5.7.3.3"] = "Code Signing",
        ["1.3.6.1.5.5.7.3.4"] = "Secure Email",
        ["1.3.6.1.5.5.7.3.5"] = "IP security end system",
        ["1.3.6.1.5.5.7.3.6"] = "IP security tunnel termination",
        ["1.3.6.1.5.5.7.3.7"] = "IP security user",
        ["1.3.6.1.5.5.7.3.8"] = "Time Stamping",
        ["1.3.6.1.5.5.7.3.9"] = "OCSP Signing",
        ["1.3.6.1.4.1.311.20.2.2"] = "Smart Card Logon",
        ["1.3.6.1.4.1.311.10.3.4"] = "Encrypting File System",
        ["1.3.6.1.5.2.3.5"] = "KDC Authentication",
    };

    /// <summary>The name of a well-known EKU OID, or null.</summary>
    public static string? NameOf(string oid) => Names.GetValueOrDefault(oid.Trim());

    /// <summary>Every EKU with its name (unknown OIDs keep the OID as name); no EKU at all reads "All purposes".</summary>
    public static IReadOnlyList<NamedKeyUsage> Describe(IReadOnlyCollection<string> oids)
    {
        if (oids.Count == 0)
        {
            return [new NamedKeyUsage(null, AllPurposesName, true)];
        }

        return oids.Select(o => o.Trim()).Distinct().Select(o => NameOf(o) is { } name ? new NamedKeyUsage(o, name, true) : new NamedKeyUsage(o, o, false)).ToList();
    }

    /// <summary>True when nothing restricts the certificate's purposes.</summary>
    public static bool AllowsAllPurposes(IReadOnlyCollection<string> oids) => oids.Count == 0 || oids.Any(o => o.Trim() == AnyPurpose);

    /// <summary>Valid as a TLS server certificate, e.g. for the SSTP listener (which also needs the private key).</summary>
    public static bool AllowsServerAuthentication(IReadOnlyCollection<string> oids) => Allows(oids, ServerAuthentication);

    /// <summary>
    /// Names Server Authentication in its EKU extension. NPS offers only such certificates for PEAP and EAP-TLS: a certificate
    /// without an EKU extension, valid for every purpose elsewhere, is not one of them.
    /// </summary>
    public static bool NamesServerAuthentication(IReadOnlyCollection<string> oids) => Contains(oids, ServerAuthentication);

    /// <summary>Valid for client authentication, e.g. a user tunnel or device tunnel certificate.</summary>
    public static bool AllowsClientAuthentication(IReadOnlyCollection<string> oids) => Allows(oids, ClientAuthentication);

    /// <summary>Fit for an IKEv2 VPN server: Server Authentication and IP security IKE intermediate (or no restriction).</summary>
    public static bool FitsIkev2Server(IReadOnlyCollection<string> oids) =>
        AllowsAllPurposes(oids) || (Contains(oids, ServerAuthentication) && Contains(oids, IpSecurityIkeIntermediate));

    private static bool Allows(IReadOnlyCollection<string> oids, string oid) => AllowsAllPurposes(oids) || Contains(oids, oid);

    private static bool Contains(IReadOnlyCollection<string> oids, string oid) => oids.Any(o => o.Trim() == oid);
}
