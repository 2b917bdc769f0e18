using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Certificates;

/// <summary>/export/certificates.csv: the certificates the list's search and filter show, in its order, for Admin and OnCall (as the page).</summary>
public static class CertificatesExport
{
    public static readonly IReadOnlyList<string> Header =
    [
        "Subject", "Subject alternative names", "Issuer", "SHA-1", "SHA-256", "Not before (UTC)", "Not after (UTC)", "Purposes",
        "Certificate authority", "Servers", "Untrusted", "In the untrusted set",
    ];

    public static RouteGroupBuilder MapCertificatesExport(this RouteGroupBuilder group)
    {
        group.MapGet("/certificates.csv", Export).RequireAuthorization(Policies.Operator);
        return group;
    }

    private static IResult Export(ListCertificates certificates, TimeProvider time, string? search, string? filter, string? sort)
    {
        var query = new ListCertificates.Query(search, CertificatesPage.ParseFilter(filter), Sorts: TableRequest.ParseSort(sort));
        return CsvFile.Result("certificates", time.GetUtcNow(), Header, certificates.StreamAsync(query), c =>
        [
            c.Subject, string.Join("; ", c.SubjectAlternativeNames), c.Issuer, c.Sha1Thumbprint, c.Sha256Thumbprint,
            CsvFile.Time(c.NotBefore), CsvFile.Time(c.NotAfter), CertificateText.Purposes(c.EnhancedKeyUsages),
            c.IsCertificateAuthority ? "yes" : "no", CsvFile.Number(c.ServerCount), c.IsUntrusted ? "yes" : "no", c.InUntrustedSet ? "yes" : "no",
        ]);
    }
}
