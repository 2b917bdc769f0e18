using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Shouldly;
using VpnPortal.Domain.Certificates;
using Xunit;

namespace VpnPortal.Domain.Tests.Certificates;

public sealed class CertificateReaderTests
{
    [Fact]
    public void Read_ServerCertificate_CarriesNamesUsagesCrlAndKey()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=vpn.corp.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("vpn.corp.example");
        san.AddDnsName("vpn2.corp.example");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new("1.3.6.1.5.5.7.3.1"), new("1.3.6.1.5.5.8.2.2") }, false));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://pki.corp.example/crl/issuing.crl"]));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));

        var report = CertificateReader.Read(certificate);

        report.Sha1Thumbprint.ShouldBe(certificate.Thumbprint);
        report.Sha256Thumbprint.Length.ShouldBe(64);
        report.SubjectAlternativeNames.ShouldBe(["DNS:vpn.corp.example", "DNS:vpn2.corp.example"]);
        report.EnhancedKeyUsages.ShouldBe(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.8.2.2"]);
        report.CrlDistributionPoints.ShouldBe(["http://pki.corp.example/crl/issuing.crl"]);
        report.KeyAlgorithm.ShouldBe("RSA");
        report.KeySize.ShouldBe(2048);
        report.HasPrivateKey.ShouldBeTrue();
        report.IsCertificateAuthority.ShouldBeFalse();
        report.ReadProblems.ShouldBeEmpty();
    }

    [Fact]
    public void Read_CertificateWithoutExtensions_ReportsAllPurposesAndNoCrl()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Corp Root CA", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);

        var report = CertificateReader.Read(publicOnly);

        report.EnhancedKeyUsages.ShouldBeEmpty();
        report.CrlDistributionPoints.ShouldBeEmpty();
        report.SubjectAlternativeNames.ShouldBeEmpty();
        report.KeyAlgorithm.ShouldBe("ECDSA");
        report.KeySize.ShouldBe(256);
        report.HasPrivateKey.ShouldBeFalse();
        report.ReadProblems.ShouldBeEmpty();
    }
}
