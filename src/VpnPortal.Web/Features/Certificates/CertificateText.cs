using VpnPortal.Data.Entities;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Web.Features.Certificates;

/// <summary>How certificate facts read on the pages.</summary>
public static class CertificateText
{
    /// <summary>The store as the Windows certificate console names it, with its short name.</summary>
    public static string StoreName(CertificateStoreName store) => store switch
    {
        CertificateStoreName.My => "Personal (My)",
        CertificateStoreName.Disallowed => "Untrusted Certificates (Disallowed)",
        CertificateStoreName.NTAuth => "Enterprise NTAuth",
        CertificateStoreName.Root => "Trusted Root CAs (Root)",
        CertificateStoreName.CA => "Intermediate CAs (CA)",
        _ => store.ToString(),
    };

    /// <summary>The purposes in a few words for lists: "Server Authentication, IP security IKE intermediate".</summary>
    public static string Purposes(IReadOnlyCollection<string> ekus) => string.Join(", ", EnhancedKeyUsages.Describe(ekus).Select(u => u.Name));

    /// <summary>A long hash shortened for a list; the full value goes in the title.</summary>
    public static string Abbreviate(string hash, int keep = 8) => hash.Length <= keep + 1 ? hash : hash[..keep] + "…";
}
