using Shouldly;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Diagnostics;
using Xunit;
using static VpnPortal.Domain.Tests.Diagnostics.FleetFactsBuilder;

namespace VpnPortal.Domain.Tests.Diagnostics;

public sealed class Ikev2RulesTests
{
    private static IReadOnlyList<Finding> Vpn1(FleetFacts fleet) => FindingsFor(fleet, "vpn1", Ikev2Rules.Rules);

    private static FleetFacts WithVpn1Certificates(params StoredCertificate[] certificates) =>
        Replace(Fleet(), "vpn1", s => s with { Certificates = certificates });

    [Fact]
    public void HealthyServer_HasNoIkev2Findings() => Vpn1(Fleet()).ShouldBeEmpty();

    [Fact]
    public void EkuMissing_CertificateForPublicNameWithoutIkeIntermediate_IsCritical()
    {
        var fleet = WithVpn1Certificates(Certificate(VpnCertificateSha1, PublicFqdn, ekus: [EnhancedKeyUsages.ServerAuthentication]));

        var finding = Vpn1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("ikev2.eku-missing");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        EvidenceValue(finding, "Certificate").ShouldBe($"CN={PublicFqdn} ({VpnCertificateSha1})");
        EvidenceValue(finding, "Key usages it has").ShouldBe("Server Authentication (1.3.6.1.5.5.7.3.1)");
        EvidenceValue(finding, "Missing").ShouldBe("IP security IKE intermediate (1.3.6.1.5.5.8.2.2)");
        finding.FixSteps.ShouldContain(s => s.Contains("-DnsName vpn.corp.example") && s.Contains("on vpn1"));
        finding.FixSteps.ShouldContain("On vpn1: Restart-Service RemoteAccess, so IKEv2 picks up the new certificate");
    }

    [Fact]
    public void EkuMissing_ServerAuthenticationMissing_NamesIt()
    {
        var fleet = WithVpn1Certificates(Certificate(VpnCertificateSha1, PublicFqdn, ekus: [EnhancedKeyUsages.IpSecurityIkeIntermediate]));

        var finding = Vpn1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("ikev2.eku-missing");
        EvidenceValue(finding, "Missing").ShouldBe("Server Authentication (1.3.6.1.5.5.7.3.1)");
    }

    [Fact]
    public void EkuMissing_NearMiss_NoEkuExtensionAllowsEveryPurpose()
    {
        var fleet = WithVpn1Certificates(Certificate(VpnCertificateSha1, PublicFqdn, ekus: []));

        Vpn1(fleet).ShouldBeEmpty();
    }

    [Fact]
    public void EkuMissing_NearMiss_IkevTwoDisabledOnTheServer()
    {
        var fleet = Replace(WithVpn1Certificates(Certificate(VpnCertificateSha1, PublicFqdn, ekus: [EnhancedKeyUsages.ServerAuthentication])), "vpn1", s => s with { Ikev2Enabled = false });

        Vpn1(fleet).ShouldBeEmpty();
    }

    [Fact]
    public void ServerCertificate_PrefersTheOneCoveringThePublicName_OverAnIkeFitOne()
    {
        var fit = Certificate("AAAA000000000000000000000000000000000000", "other.corp.example");
        var covering = Certificate(VpnCertificateSha1, PublicFqdn, ekus: [EnhancedKeyUsages.ServerAuthentication]);
        var server = Rras("vpn1") with { Certificates = [fit, covering] };

        Ikev2Rules.ServerCertificate(server, Now).ShouldBe(covering);
    }

    [Fact]
    public void NoCertificate_NoPersonalCertificateWithKeyIsUsable_IsCritical()
    {
        var fleet = WithVpn1Certificates(
            Certificate(VpnCertificateSha1, PublicFqdn, hasPrivateKey: false),
            Certificate("BBBB000000000000000000000000000000000000", "other.corp.example", ekus: [EnhancedKeyUsages.ClientAuthentication]));

        var finding = Vpn1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("ikev2.no-certificate");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        EvidenceValue(finding, "Public names").ShouldBe(PublicFqdn);
        EvidenceValue(finding, "Personal certificates with a private key").ShouldBe("1");
        EvidenceValue(finding, "other.corp.example (BBBB000000000000000000000000000000000000)").ShouldContain("Server Authentication");
        finding.FixSteps[0].ShouldContain("-SubjectName \"CN=vpn.corp.example\" -DnsName vpn.corp.example -CertStoreLocation Cert:\\LocalMachine\\My");
    }

    [Fact]
    public void NoCertificate_NearMiss_AnIkeFitCertificateForAnotherNameStillServes()
    {
        var fleet = WithVpn1Certificates(Certificate("CCCC000000000000000000000000000000000000", "other.corp.example"));

        Vpn1(fleet).ShouldNotContain(f => f.RuleId == "ikev2.no-certificate");
    }

    [Fact]
    public void NoCertificate_OnlyTheMfaExtensionCertificate_IsCritical_AndSaysItIsTheExtensions()
    {
        var fleet = WithVpn1Certificates(MfaCertificate());

        var finding = Vpn1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("ikev2.no-certificate");
        EvidenceValue(finding, $"{TenantId} ({MfaCertificateSha1})").ShouldBe("the Azure MFA extension's certificate (it signs in to Entra ID, clients would refuse it)");
    }

    [Fact]
    public void NoCertificate_NearMiss_TheMfaExtensionCertificateBesideTheServerCertificate_FindsNothing()
    {
        var fleet = WithVpn1Certificates(MfaCertificate(), VpnCertificate());

        Vpn1(fleet).ShouldBeEmpty();
        Ikev2Rules.ServerCertificate(fleet.Servers.Single(s => s.Name == "vpn1"), Now)!.Sha1Thumbprint.ShouldBe(VpnCertificateSha1);
    }

    [Fact]
    public void EkuMissing_ServerCertificateLacksIkeIntermediate_NamesIt_NotTheAllPurposeMfaExtensionCertificate()
    {
        var fleet = WithVpn1Certificates(MfaCertificate(), Certificate(VpnCertificateSha1, PublicFqdn, ekus: [EnhancedKeyUsages.ServerAuthentication]));

        var finding = Vpn1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("ikev2.eku-missing");
        EvidenceValue(finding, "Certificate").ShouldBe($"CN={PublicFqdn} ({VpnCertificateSha1})");
    }

    [Fact]
    public void SubjectNotPublicFqdn_NoNameCoversThePublicName_IsCritical()
    {
        var fleet = WithVpn1Certificates(Certificate("CCCC000000000000000000000000000000000000", "other.corp.example"));

        var finding = Vpn1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("ikev2.subject-not-public-fqdn");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        EvidenceValue(finding, "Subject common name").ShouldBe("other.corp.example");
        EvidenceValue(finding, "Alternative names").ShouldBe("other.corp.example");
        EvidenceValue(finding, "Public names").ShouldBe(PublicFqdn);
        finding.FixSteps[0].ShouldContain("-SubjectName \"CN=vpn.corp.example\"");
    }

    [Fact]
    public void SubjectNotPublicFqdn_CoveredOnlyByAlternativeName_IsWarning()
    {
        var fleet = WithVpn1Certificates(Certificate(VpnCertificateSha1, "vpn1.corp.example", dnsNames: ["vpn1.corp.example", PublicFqdn]));

        var finding = Vpn1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("ikev2.subject-not-public-fqdn");
        finding.Severity.ShouldBe(FindingSeverity.Warning);
        EvidenceValue(finding, "Subject common name").ShouldBe("vpn1.corp.example");
        EvidenceValue(finding, "Alternative names").ShouldBe($"vpn1.corp.example, {PublicFqdn}");
    }

    [Fact]
    public void SubjectNotPublicFqdn_NearMiss_SubjectDiffersOnlyInCaseAndTrailingDot()
    {
        var fleet = WithVpn1Certificates(Certificate(VpnCertificateSha1, "VPN.Corp.Example.", dnsNames: [PublicFqdn]));

        Vpn1(fleet).ShouldBeEmpty();
    }

    [Fact]
    public void SubjectNotPublicFqdn_WildcardSubject_IsWarning()
    {
        var fleet = WithVpn1Certificates(Certificate(VpnCertificateSha1, "*.corp.example"));

        var finding = Vpn1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("ikev2.subject-not-public-fqdn");
        finding.Severity.ShouldBe(FindingSeverity.Warning);
    }

    [Theory]
    [InlineData(false, "0 (disabled)")]
    [InlineData(null, "not set")]
    public void FragmentationDisabled_OffOrNotSet_IsWarningWithTheRegistryFix(bool? reported, string shown)
    {
        var fleet = Replace(Fleet(), "vpn1", s => s with { Ikev2FragmentationEnabled = reported });

        var finding = Vpn1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("ikev2.fragmentation-disabled");
        finding.Severity.ShouldBe(FindingSeverity.Warning);
        finding.Summary.ShouldContain("error 809");
        EvidenceValue(finding, "EnableServerFragmentation").ShouldBe(shown);
        EvidenceValue(finding, "Expected").ShouldBe("1 (enabled)");
        finding.FixSteps[0].ShouldBe(
            @"On vpn1, in an elevated PowerShell: Set-ItemProperty -Path HKLM:\SYSTEM\CurrentControlSet\Services\RemoteAccess\Parameters\Ikev2 -Name EnableServerFragmentation -Value 1 -Type DWord");
        finding.FixSteps[1].ShouldStartWith("Restart-Service RemoteAccess");
    }

    [Fact]
    public void FragmentationDisabled_NearMiss_NpsServersAreNotJudged()
    {
        var fleet = Replace(Fleet(), "nps1", s => s with { Ikev2FragmentationEnabled = false });

        FindingsFor(fleet, "nps1", Ikev2Rules.Rules).ShouldBeEmpty();
    }
}
