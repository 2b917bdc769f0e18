namespace VpnPortal.Domain.Certificates;

/// <summary>
/// The certificate the Azure MFA NPS extension signs in to Entra ID with: self-signed in Local Computer\Personal, with the
/// tenant id as CN, OU = Microsoft NPS Extension and no EKU. Its private key and "all purposes" make it look like a
/// server certificate to anything that goes by key usages alone, but it never serves TLS, PEAP or IKEv2.
/// </summary>
public static class MfaExtensionCertificates
{
    public const string OrganizationalUnit = "Microsoft NPS Extension";

    /// <summary>
    /// True when the subject is the extension's: OU = Microsoft NPS Extension and a CN that is a GUID, the tenant's when
    /// <paramref name="tenantId"/> is one (the configuration script names the certificate after the tenant).
    /// </summary>
    public static bool IsNamedLikeOne(string? subject, string? tenantId = null)
    {
        var attributes = DistinguishedNames.Attributes(subject);
        var ou = attributes.Any(a => a.Type.Equals("OU", StringComparison.OrdinalIgnoreCase) && a.Value.Equals(OrganizationalUnit, StringComparison.OrdinalIgnoreCase));
        if (!ou || !Guid.TryParse(DistinguishedNames.CommonName(subject), out var cn))
        {
            return false;
        }

        return !Guid.TryParse(tenantId, out var tenant) || cn == tenant;
    }
}
