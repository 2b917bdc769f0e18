using Shouldly;
using VpnPortal.Domain.Diagnostics;
using Xunit;
using static VpnPortal.Domain.Tests.Diagnostics.SstpFactsBuilder;

namespace VpnPortal.Domain.Tests.Diagnostics;

public sealed class CertificateRulesTests
{
    [Fact]
    public void NameMismatch_OnePublicNameUncovered_OneCriticalFindingNamingIt()
    {
        var server = Healthy() with { PublicFqdns = [PublicFqdn, "vpn-eu.corp.example"] };

        var finding = Run(CertificateRules.NameMismatch, server).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("cert.name-mismatch");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        finding.Key.ShouldBe("vpn-eu.corp.example");
        finding.Value("Public name").ShouldBe("vpn-eu.corp.example");
        finding.Value("Certificate names").ShouldBe(PublicFqdn);
        finding.Value("Certificate").ShouldBe(GoodSha1);
        finding.FixSteps[0].ShouldContain("vpn-eu.corp.example");
    }

    [Fact]
    public void NameMismatch_TwoUncovered_OneFindingEach()
    {
        var server = Healthy() with { PublicFqdns = ["a.corp.example", "b.corp.example"] };

        Run(CertificateRules.NameMismatch, server).Select(f => f.Key).ShouldBe(["a.corp.example", "b.corp.example"]);
    }

    [Fact]
    public void NameMismatch_UsesTheBoundCertificateWhenNoneIsConfigured()
    {
        var server = Healthy() with
        {
            ConfiguredSstpSha1 = null,
            Certificates = [Certificate(GoodSha1), Certificate(OtherSha1, dnsName: "vpn1.corp.local")],
            Bindings = [Binding("0.0.0.0:443", OtherSha1), Binding("[::]:443", OtherSha1)],
        };

        Run(CertificateRules.NameMismatch, server).ShouldHaveSingleItem().Value("Certificate").ShouldBe(OtherSha1);
    }

    [Fact]
    public void NameMismatch_NearMiss_CaseAndTrailingDotStillMatch()
    {
        Run(CertificateRules.NameMismatch, Healthy() with { PublicFqdns = ["VPN.Corp.Example."] }).ShouldBeEmpty();
    }

    [Fact]
    public void Wildcard_PublicNameCoveredOnlyByWildcard_IsInfoWithTheClientSetting()
    {
        var server = Healthy() with { Certificates = [Certificate(GoodSha1, dnsName: "*.corp.example")] };

        var finding = Run(CertificateRules.Wildcard, server).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("cert.wildcard");
        finding.Severity.ShouldBe(FindingSeverity.Info);
        finding.Value("Wildcard name").ShouldBe("*.corp.example");
        finding.Value("Public names").ShouldBe(PublicFqdn);
        finding.FixSteps[0].ShouldContain("EAP-MSCHAPv2");
        Run(CertificateRules.NameMismatch, server).ShouldBeEmpty();
    }

    [Fact]
    public void Wildcard_NearMiss_ExactNameBesideTheWildcard_DoesNotFire()
    {
        var certificate = Certificate(GoodSha1);
        var server = Healthy() with { Certificates = [certificate with { Facts = certificate.Facts with { DnsNames = ["*.corp.example", PublicFqdn] } }] };

        Run(CertificateRules.Wildcard, server).ShouldBeEmpty();
    }

    [Fact]
    public void Expired_ConfiguredCertificatePastNotAfter_IsCriticalWithDates()
    {
        var server = Healthy() with { Certificates = [Certificate(GoodSha1, daysLeft: -2), Certificate(OtherSha1)] };

        var finding = Run([CertificateRules.Expired, CertificateRules.Expiring], server).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("cert.expired");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        finding.Value("Not after").ShouldStartWith("2026-11-20");
        finding.Value("Now").ShouldStartWith("2026-11-22");
        finding.FixSteps[0].ShouldContain(PublicFqdn);
    }

    [Fact]
    public void Expiring_WithinTheLargestThreshold_Warns()
    {
        var server = Healthy() with { Certificates = [Certificate(GoodSha1, daysLeft: 40)] };
        var fleet = Fleet(server) with { ExpiryThresholdDays = [7, 45, 14] };

        var finding = CertificateRules.Expiring.Evaluate(server, fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("cert.expiring");
        finding.Severity.ShouldBe(FindingSeverity.Warning);
        finding.Value("Days left").ShouldBe("40");
        finding.Value("Alert threshold (days)").ShouldBe("45");
    }

    [Fact]
    public void Expiring_NearMiss_BeyondTheLargestThreshold_DoesNotFire()
    {
        var server = Healthy() with { Certificates = [Certificate(GoodSha1, daysLeft: 31)] };

        Run(CertificateRules.Expiring, server).ShouldBeEmpty();
        Run(CertificateRules.Expiring, server with { Certificates = [Certificate(GoodSha1, daysLeft: 29)] }).ShouldHaveSingleItem();
    }

    [Fact]
    public void NoCrl_CertificateWithoutDistributionPoint_Warns()
    {
        var certificate = Certificate(GoodSha1);
        var server = Healthy() with { Certificates = [certificate with { Facts = certificate.Facts with { CrlDistributionPoints = [] } }] };

        var finding = Run(CertificateRules.NoCrl, server).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("cert.no-crl");
        finding.Severity.ShouldBe(FindingSeverity.Warning);
        finding.Value("Certificate").ShouldBe(GoodSha1);
        finding.Value("Issuer").ShouldBe("CN=Corp Issuing CA");
    }

    [Fact]
    public void CertificateRules_NearMiss_UnconfiguredAndUnboundServerHasNoCertificateInUse()
    {
        var certificate = Certificate(GoodSha1, dnsName: "other.example", daysLeft: -1);
        var server = Healthy() with { ConfiguredSstpSha1 = null, Bindings = [], Certificates = [certificate with { Facts = certificate.Facts with { CrlDistributionPoints = [] } }] };

        Run(CertificateRules.Rules, server).ShouldBeEmpty();
    }

    [Fact]
    public void NotYetValid_CertificateInUseStartsTomorrow_IsCriticalWithTheDatesSideBySide()
    {
        var future = Certificate(GoodSha1) with { Facts = Certificate(GoodSha1).Facts with { NotBefore = Now.AddDays(1) } };
        var server = Healthy() with { Certificates = [future] };

        var finding = Run(CertificateRules.NotYetValid, server).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("cert.not-yet-valid");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        finding.Value("Not before").ShouldBe("2026-11-23 09:00 UTC");
        finding.Value("Now").ShouldBe("2026-11-22 09:00 UTC");
        finding.Value("Certificate").ShouldBe(GoodSha1);
        finding.FixSteps.ShouldContain(s => s.Contains("w32tm /query /status") && s.Contains("vpn1"));
        finding.FixSteps.ShouldContain(s => s.Contains($"Assign {GoodSha1} again after 2026-11-23 09:00 UTC"));
    }

    [Fact]
    public void NotYetValid_NearMiss_ValidFromThisVeryMinute_DoesNotFire()
    {
        var started = Certificate(GoodSha1) with { Facts = Certificate(GoodSha1).Facts with { NotBefore = Now } };

        Run(CertificateRules.NotYetValid, Healthy() with { Certificates = [started] }).ShouldBeEmpty();
        Run(CertificateRules.NotYetValid, Healthy()).ShouldBeEmpty();
    }

    [Fact]
    public void Expiring_SstpCertificateExpiring_NamesIt_NotTheMfaExtensionCertificateBesideIt()
    {
        var server = Healthy() with { Certificates = [MfaExtensionCertificate(), Certificate(GoodSha1, daysLeft: 10)] };

        var finding = Run(CertificateRules.Rules, server).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe(CertificateRules.Expiring.Id);
        finding.Value("Certificate").ShouldBe(GoodSha1);
    }

    [Fact]
    public void ExpiryRules_NearMiss_TheMfaExtensionCertificateExpiringOnAnRrasServer_IsNotTheSstpCertificate()
    {
        var server = Healthy() with { Certificates = [Certificate(GoodSha1), MfaExtensionCertificate(daysLeft: 2)] };

        Run(CertificateRules.Rules, server).ShouldBeEmpty();
    }
}
