using VpnPortal.Domain.Certificates;

namespace VpnPortal.Web.Features.UntrustedCertificates;

/// <summary>The device a machine certificate belongs to, as its device tunnel names it to RRAS.</summary>
public static class DeviceNames
{
    /// <summary>The first DNS subject alternative name, else the subject's common name; null when it has neither.</summary>
    public static string? Of(string subject, IEnumerable<string> subjectAlternativeNames)
    {
        var dns = subjectAlternativeNames
            .Select(n => n.Trim())
            .FirstOrDefault(n => n.StartsWith("DNS:", StringComparison.OrdinalIgnoreCase) && n.Length > 4);
        if (dns is not null)
        {
            return dns[4..].Trim();
        }

        var cn = DistinguishedNames.CommonName(subject)?.Trim();
        return string.IsNullOrEmpty(cn) ? null : cn;
    }
}
