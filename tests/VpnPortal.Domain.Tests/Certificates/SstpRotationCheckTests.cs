using Shouldly;
using VpnPortal.Domain.Certificates;
using Xunit;

namespace VpnPortal.Domain.Tests.Certificates;

public sealed class SstpRotationCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static readonly SstpRolloutServer[] OneServer = [new("VPN01", "vpn.corp.example")];

    // Fit with nothing to warn about: the near miss of every test below.
    private static CertificateFacts Fit() => new()
    {
        EnhancedKeyUsages = [EnhancedKeyUsages.ServerAuthentication],
        HasPrivateKey = true,
        NotBefore = Now.AddDays(-10),
        NotAfter = Now.AddDays(365),
        CrlDistributionPoints = ["http://pki.corp.example/crl/issuing.crl"],
        SubjectCommonName = "vpn.corp.example",
        DnsNames = ["vpn.corp.example"],
        KeyAlgorithm = "RSA",
        KeySize = 2048,
    };

    [Fact]
    public void Evaluate_FitCertificateForItsServer_HasNoReasonsAndNoWarnings()
    {
        var verdict = SstpRotationCheck.Evaluate(Fit(), OneServer, Now);

        verdict.Fit.ShouldBeTrue();
        verdict.Reasons.ShouldBeEmpty();
        verdict.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_NoPrivateKey_IsRefused()
    {
        var verdict = SstpRotationCheck.Evaluate(Fit() with { HasPrivateKey = false }, OneServer, Now);

        verdict.Fit.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldContain("no private key");
    }

    [Fact]
    public void Evaluate_ClientAuthenticationOnly_IsRefusedForTheMissingServerAuthentication()
    {
        var verdict = SstpRotationCheck.Evaluate(Fit() with { EnhancedKeyUsages = [EnhancedKeyUsages.ClientAuthentication] }, OneServer, Now);

        verdict.Fit.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldContain("Server Authentication (1.3.6.1.5.5.7.3.1)");
    }

    [Fact]
    public void Evaluate_NoEkuExtension_IsFitBecauseItAllowsAllPurposes()
    {
        SstpRotationCheck.Evaluate(Fit() with { EnhancedKeyUsages = [] }, OneServer, Now).Fit.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_Expired_IsRefusedWithTheDate()
    {
        var verdict = SstpRotationCheck.Evaluate(Fit() with { NotAfter = Now.AddDays(-1) }, OneServer, Now);

        verdict.Fit.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldBe("it expired on 2026-11-21");
    }

    [Fact]
    public void Evaluate_NotYetValid_IsRefusedWithTheDate()
    {
        var verdict = SstpRotationCheck.Evaluate(Fit() with { NotBefore = Now.AddDays(3) }, OneServer, Now);

        verdict.Fit.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldBe("it is not valid before 2026-11-25");
    }

    [Fact]
    public void Evaluate_PublicNameNotCovered_NamesTheServerAndWhatTheCertificateIsFor()
    {
        var verdict = SstpRotationCheck.Evaluate(Fit(), [new("VPN02", "vpn2.corp.example")], Now);

        verdict.Fit.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldBe("it does not cover vpn2.corp.example, the public name of VPN02 (it is issued for vpn.corp.example)");
    }

    [Fact]
    public void Evaluate_SeveralServers_ListsEveryPublicNameNotCoveredOnce()
    {
        SstpRolloutServer[] servers =
        [
            new("VPN01", "vpn.corp.example"),
            new("VPN02", "vpn-west.corp.example"),
            new("VPN03", "vpn-east.corp.example"),
            new("VPN04", "VPN-EAST.corp.example."),
        ];
        var certificate = Fit() with { DnsNames = ["vpn.corp.example", "portal.corp.example"] };

        var verdict = SstpRotationCheck.Evaluate(certificate, servers, Now);

        verdict.Fit.ShouldBeFalse();
        verdict.Reasons.ShouldBe(
        [
            "it does not cover vpn-west.corp.example, the public name of VPN02 (it is issued for vpn.corp.example and portal.corp.example)",
            "it does not cover vpn-east.corp.example, the public name of VPN03 and VPN04 (it is issued for vpn.corp.example and portal.corp.example)",
        ]);
    }

    [Fact]
    public void Evaluate_SeveralServersAllNamedInTheSans_IsFit()
    {
        SstpRolloutServer[] servers = [new("VPN01", "vpn.corp.example"), new("VPN02", "vpn-west.corp.example"), new("VPN03", "vpn.corp.example")];
        var certificate = Fit() with { DnsNames = ["vpn.corp.example", "vpn-west.corp.example"] };

        SstpRotationCheck.Evaluate(certificate, servers, Now).Fit.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_CommonNameCoversButSansDoNot_SaysClientsIgnoreTheCommonName()
    {
        var certificate = Fit() with { DnsNames = ["portal.corp.example"] };

        var verdict = SstpRotationCheck.Evaluate(certificate, OneServer, Now);

        verdict.Fit.ShouldBeFalse();
        var reason = verdict.Reasons.ShouldHaveSingleItem();
        reason.ShouldStartWith("it does not cover vpn.corp.example, the public name of VPN01 (it is issued for portal.corp.example only:");
        reason.ShouldContain("clients read only the DNS Subject Alternative Names");
    }

    [Fact]
    public void Evaluate_NoSansAndTheCommonNameCovers_IsFit()
    {
        SstpRotationCheck.Evaluate(Fit() with { DnsNames = [] }, OneServer, Now).Fit.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_NoNamesAtAll_SaysItNamesNoHost()
    {
        var verdict = SstpRotationCheck.Evaluate(Fit() with { DnsNames = [], SubjectCommonName = null }, OneServer, Now);

        verdict.Reasons.ShouldHaveSingleItem().ShouldContain("it names no host");
    }

    [Fact]
    public void Evaluate_ServerWithoutPublicName_IsRefusedNamingTheServer()
    {
        var verdict = SstpRotationCheck.Evaluate(Fit(), [new("VPN01", "vpn.corp.example"), new("VPN05", " ")], Now);

        verdict.Fit.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldStartWith("VPN05 has no public name recorded");
    }

    [Fact]
    public void Evaluate_NoServers_IsRefused()
    {
        SstpRotationCheck.Evaluate(Fit(), [], Now).Reasons.ShouldHaveSingleItem().ShouldContain("no server is chosen");
    }

    [Fact]
    public void Evaluate_WildcardCoversEveryServer_IsFitWithTheClientSettingWarning()
    {
        SstpRolloutServer[] servers = [new("VPN01", "vpn.corp.example"), new("VPN02", "vpn-west.corp.example")];
        var certificate = Fit() with { SubjectCommonName = "*.corp.example", DnsNames = ["*.corp.example"] };

        var verdict = SstpRotationCheck.Evaluate(certificate, servers, Now);

        verdict.Fit.ShouldBeTrue();
        var warning = verdict.Warnings.ShouldHaveSingleItem();
        warning.ShouldStartWith("it is a wildcard certificate (*.corp.example covers vpn.corp.example (VPN01) and vpn-west.corp.example (VPN02))");
        warning.ShouldContain("EAP-MSCHAPv2 with \"Require encryption\"");
    }

    [Fact]
    public void Evaluate_WildcardCertificateWithAnExactNameForEveryServer_DoesNotWarn()
    {
        var certificate = Fit() with { DnsNames = ["*.corp.example", "vpn.corp.example"] };

        SstpRotationCheck.Evaluate(certificate, OneServer, Now).Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_WildcardOneLabelTooShallow_IsRefused()
    {
        var certificate = Fit() with { SubjectCommonName = "*.corp.example", DnsNames = ["*.corp.example"] };

        var verdict = SstpRotationCheck.Evaluate(certificate, [new("VPN01", "vpn.west.corp.example")], Now);

        verdict.Fit.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldStartWith("it does not cover vpn.west.corp.example, the public name of VPN01");
    }

    [Fact]
    public void Evaluate_Rsa1024_WarnsAboutTheKeySize()
    {
        var verdict = SstpRotationCheck.Evaluate(Fit() with { KeySize = 1024 }, OneServer, Now);

        verdict.Fit.ShouldBeTrue();
        verdict.Warnings.ShouldHaveSingleItem().ShouldStartWith("its RSA key is 1024 bits, below the 2048-bit minimum");
    }

    [Theory]
    [InlineData("RSA", 2048)]
    [InlineData("RSA", 4096)]
    [InlineData("ECDSA", 256)]
    [InlineData(null, 0)]
    public void Evaluate_KeyThatIsLongEnoughOrNotRsa_DoesNotWarn(string? algorithm, int bits)
    {
        SstpRotationCheck.Evaluate(Fit() with { KeyAlgorithm = algorithm, KeySize = bits }, OneServer, Now).Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_EndsWithinThirtyDays_WarnsWithTheDate()
    {
        var verdict = SstpRotationCheck.Evaluate(Fit() with { NotAfter = Now.AddDays(29) }, OneServer, Now);

        verdict.Fit.ShouldBeTrue();
        verdict.Warnings.ShouldHaveSingleItem().ShouldBe("it expires on 2026-12-21, within 30 days");
    }

    [Fact]
    public void Evaluate_EndsInThirtyOneDays_DoesNotWarn()
    {
        SstpRotationCheck.Evaluate(Fit() with { NotAfter = Now.AddDays(31) }, OneServer, Now).Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_SeveralProblems_ReportsThemAll()
    {
        var certificate = Fit() with { HasPrivateKey = false, NotAfter = Now.AddDays(-1), DnsNames = ["portal.corp.example"], KeySize = 1024 };

        var verdict = SstpRotationCheck.Evaluate(certificate, OneServer, Now);

        verdict.Reasons.Count.ShouldBe(3);
        verdict.Warnings.ShouldHaveSingleItem().ShouldContain("1024 bits");
    }
}
