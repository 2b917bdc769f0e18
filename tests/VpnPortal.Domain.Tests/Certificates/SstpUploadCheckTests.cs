using System.Security.Cryptography.X509Certificates;
using Shouldly;
using VpnPortal.Domain.Certificates;
using Xunit;

namespace VpnPortal.Domain.Tests.Certificates;

/// <summary>An uploaded PFX, loaded and turned into facts, through the SSTP rotation check: what the portal does before a rollout.</summary>
public sealed class SstpUploadCheckTests
{
    private const string Password = "S3cret-pfx-passw0rd!";

    private static readonly SstpRolloutServer[] Servers = [new("VPN01", "vpn.corp.example"), new("VPN02", "vpn-west.corp.example")];

    private static FitnessVerdict Check(X509Certificate2 certificate)
    {
        var (loaded, _) = CertificateFiles.Load(certificate.Export(X509ContentType.Pfx, Password), Password, "vpn.pfx");
        using (loaded)
        {
            return SstpRotationCheck.Evaluate(CertificateReader.Facts(loaded), Servers, DateTimeOffset.UtcNow);
        }
    }

    private static X509Certificate2 ForBothServers(
        string[]? ekus = null, TestKey key = TestKey.Rsa2048, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        TestCertificates.Create(dnsNames: ["vpn.corp.example", "vpn-west.corp.example"], ekus: ekus, key: key, notBefore: notBefore, notAfter: notAfter);

    [Fact]
    public void Check_Rsa2048ServerAuthForBothNames_IsFitWithoutWarnings()
    {
        using var certificate = ForBothServers();

        var verdict = Check(certificate);

        verdict.Fit.ShouldBeTrue(string.Join(" / ", verdict.Reasons));
        verdict.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Check_EcdsaWithoutEkuExtension_IsFit()
    {
        using var certificate = ForBothServers(ekus: [], key: TestKey.EcdsaP256);

        Check(certificate).Fit.ShouldBeTrue();
    }

    [Fact]
    public void Check_ClientAuthenticationOnly_IsRefused()
    {
        using var certificate = ForBothServers(ekus: [TestCertificates.ClientAuthentication]);

        Check(certificate).Reasons.ShouldHaveSingleItem().ShouldContain("Server Authentication");
    }

    [Fact]
    public void Check_Rsa1024_IsFitWithAKeySizeWarning()
    {
        using var certificate = ForBothServers(key: TestKey.Rsa1024);

        var verdict = Check(certificate);

        verdict.Fit.ShouldBeTrue();
        verdict.Warnings.ShouldHaveSingleItem().ShouldStartWith("its RSA key is 1024 bits");
    }

    [Fact]
    public void Check_Expired_IsRefused()
    {
        using var certificate = ForBothServers(notBefore: DateTimeOffset.UtcNow.AddDays(-400), notAfter: DateTimeOffset.UtcNow.AddDays(-2));

        Check(certificate).Reasons.ShouldHaveSingleItem().ShouldStartWith("it expired on");
    }

    [Fact]
    public void Check_NotYetValid_IsRefused()
    {
        using var certificate = ForBothServers(notBefore: DateTimeOffset.UtcNow.AddDays(2));

        Check(certificate).Reasons.ShouldHaveSingleItem().ShouldStartWith("it is not valid before");
    }

    [Fact]
    public void Check_EndsInTenDays_IsFitWithAnExpiryWarning()
    {
        using var certificate = ForBothServers(notAfter: DateTimeOffset.UtcNow.AddDays(10));

        Check(certificate).Warnings.ShouldHaveSingleItem().ShouldContain("within 30 days");
    }

    [Fact]
    public void Check_Wildcard_IsFitWithTheClientSettingWarning()
    {
        using var certificate = TestCertificates.Create(subject: "CN=*.corp.example", dnsNames: ["*.corp.example"]);

        var verdict = Check(certificate);

        verdict.Fit.ShouldBeTrue();
        verdict.Warnings.ShouldHaveSingleItem().ShouldContain("EAP-MSCHAPv2");
    }

    [Fact]
    public void Check_OneServersNameMissing_NamesThatServer()
    {
        using var certificate = TestCertificates.Create(dnsNames: ["vpn.corp.example"]);

        Check(certificate).Reasons.ShouldHaveSingleItem().ShouldBe("it does not cover vpn-west.corp.example, the public name of VPN02 (it is issued for vpn.corp.example)");
    }

    [Fact]
    public void Facts_ServerCertificate_CarriesCommonNameAndDnsNamesWithoutPrefix()
    {
        using var certificate = TestCertificates.Create(subject: "CN=vpn.corp.example, O=Corp", dnsNames: ["vpn.corp.example", "*.corp.example"]);

        var facts = CertificateReader.Facts(certificate);

        facts.SubjectCommonName.ShouldBe("vpn.corp.example");
        facts.DnsNames.ShouldBe(["vpn.corp.example", "*.corp.example"]);
        facts.HasPrivateKey.ShouldBeTrue();
        facts.EnhancedKeyUsages.ShouldBe([TestCertificates.ServerAuthentication]);
        facts.CrlDistributionPoints.ShouldBe(["http://pki.corp.example/crl/issuing.crl"]);
    }
}
