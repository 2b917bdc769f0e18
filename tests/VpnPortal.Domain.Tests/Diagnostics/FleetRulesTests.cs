using Shouldly;
using VpnPortal.Domain.Diagnostics;
using Xunit;
using static VpnPortal.Domain.Tests.Diagnostics.FleetFactsBuilder;

namespace VpnPortal.Domain.Tests.Diagnostics;

public sealed class FleetRulesTests
{
    private const string OtherSha1 = "ABCDEF0000000000000000000000000000000000";

    [Fact]
    public void HealthyFleet_TriggersNoRuleOfIkev2NpsOrFleet()
    {
        IReadOnlyList<DiagnosticRule> rules = [.. Ikev2Rules.Rules, .. NpsRules.Rules, .. FleetRules.Rules];

        var results = DiagnosticRules.Evaluate(Fleet(), rules);

        results.Count.ShouldBe(3);
        results.SelectMany(r => r.Findings).ShouldBeEmpty();
    }

    [Fact]
    public void SstpCertificateDiffers_OneServerOff_FindingOnEachAffectedServerListingTheOthers()
    {
        var fleet = Fleet(Rras("vpn1"), Rras("vpn2"), Rras("vpn3") with { ConfiguredSstpSha1 = OtherSha1.ToLowerInvariant(), PublicFqdns = ["VPN.corp.example."] });

        var vpn3 = FindingsFor(fleet, "vpn3", FleetRules.Rules).ShouldHaveSingleItem();
        vpn3.RuleId.ShouldBe("fleet.sstp-certificate-differs");
        vpn3.Severity.ShouldBe(FindingSeverity.Warning);
        EvidenceValue(vpn3, "vpn3 (this server)").ShouldBe(OtherSha1);
        EvidenceValue(vpn3, "vpn1 (vpn.corp.example)").ShouldBe(VpnCertificateSha1);
        EvidenceValue(vpn3, "vpn2 (vpn.corp.example)").ShouldBe(VpnCertificateSha1);
        vpn3.FixSteps[0].ShouldBe($"On vpn3, after importing that certificate into Local Computer\\Personal: Set-RemoteAccess -SslCertificate (Get-Item Cert:\\LocalMachine\\My\\{VpnCertificateSha1})");
        vpn3.FixSteps[1].ShouldStartWith("On vpn3: Restart-Service RemoteAccess");

        var vpn1 = FindingsFor(fleet, "vpn1", FleetRules.Rules).ShouldHaveSingleItem();
        vpn1.Evidence.Select(e => e.Label).ShouldBe(["vpn1 (this server)", "vpn3 (vpn.corp.example)"]);
        vpn1.FixSteps[0].ShouldContain($"put {VpnCertificateSha1} on vpn3");
        FindingsFor(fleet, "vpn2", FleetRules.Rules).ShouldHaveSingleItem().RuleId.ShouldBe("fleet.sstp-certificate-differs");
    }

    [Fact]
    public void SstpCertificateDiffers_UsesTheIpv4BindingWhenNothingIsConfigured()
    {
        var bound = Rras("vpn2") with
        {
            ConfiguredSstpSha1 = null,
            Bindings =
            [
                new BindingFacts("[::]:443", VpnCertificateSha1, FleetFacts.SstpApplicationId, "MY"),
                new BindingFacts("0.0.0.0:443", "ab:cd:ef:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00", FleetFacts.SstpApplicationId, "MY"),
            ],
        };
        var fleet = Fleet(Rras("vpn1"), bound);

        var finding = FindingsFor(fleet, "vpn2", FleetRules.Rules).ShouldHaveSingleItem();

        EvidenceValue(finding, "vpn2 (this server)").ShouldBe(OtherSha1);
    }

    [Fact]
    public void SstpCertificateDiffers_NearMiss_DifferentPublicNames()
    {
        var fleet = Fleet(Rras("vpn1"), Rras("vpn2") with { ConfiguredSstpSha1 = OtherSha1, PublicFqdns = ["vpn-eu.corp.example"] });

        FindingsFor(fleet, "vpn1", FleetRules.Rules).ShouldBeEmpty();
        FindingsFor(fleet, "vpn2", FleetRules.Rules).ShouldBeEmpty();
    }

    [Fact]
    public void SstpCertificateDiffers_NearMiss_SameCertificateSpelledDifferently()
    {
        var fleet = Fleet(Rras("vpn1"), Rras("vpn2") with { ConfiguredSstpSha1 = string.Join(" ", Enumerable.Range(0, 20).Select(_ => "11")) });

        FindingsFor(fleet, "vpn2", FleetRules.Rules).ShouldBeEmpty();
    }

    [Fact]
    public void SstpCertificateDiffers_FiveHundredServersBehindOneName_EveryServerSeesTheOddOneOut()
    {
        var servers = Enumerable.Range(1, 500).Select(i => Rras($"vpn{i}")).ToArray();
        servers[499] = servers[499] with { ConfiguredSstpSha1 = OtherSha1 };

        var results = DiagnosticRules.Evaluate(Fleet(servers), FleetRules.Rules);

        results.ShouldAllBe(r => r.Findings.Count == 1);
        // The odd one out lists itself, the first peers by name, and how many more there are.
        var odd = results.Single(r => r.Server.Name == "vpn500").Findings[0].Evidence;
        odd.Count.ShouldBe(1 + FleetRules.MaxPeersShown + 1);
        odd[^1].ShouldBe(new Evidence("Other servers", $"{499 - FleetRules.MaxPeersShown} more use other certificates"));
        results.Single(r => r.Server.Name == "vpn1").Findings[0].Evidence.Count.ShouldBe(2);
    }

    [Fact]
    public void UntrustedMissing_OneFindingPerMissingThumbprint()
    {
        var fleet = Fleet() with { UntrustedSha1 = [UntrustedDeviceSha1, "ab cd 01"] };
        fleet = Replace(fleet, "vpn1", s => s with { Certificates = [VpnCertificate()] });

        var findings = FindingsFor(fleet, "vpn1", FleetRules.Rules);

        findings.Select(f => f.Key).ShouldBe([UntrustedDeviceSha1, "ABCD01"]);
        var finding = findings[0];
        finding.RuleId.ShouldBe("fleet.untrusted-missing");
        finding.Severity.ShouldBe(FindingSeverity.Warning);
        EvidenceValue(finding, "Untrusted certificate").ShouldBe(UntrustedDeviceSha1);
        EvidenceValue(finding, "Certificates in Disallowed on this server").ShouldBe("0");
        finding.FixSteps.ShouldContain($"Import-Certificate -FilePath \"C:\\Temp\\{UntrustedDeviceSha1}.cer\" -CertStoreLocation Cert:\\LocalMachine\\Disallowed");
        FindingsFor(fleet, "vpn2", FleetRules.Rules).Select(f => f.Key).ShouldBe(["ABCD01"]);
    }

    [Fact]
    public void UntrustedMissing_NearMiss_CertificateOnlyInAnotherStore()
    {
        var fleet = Replace(Fleet(), "vpn1", s => s with { Certificates = [VpnCertificate(), UntrustedDevice() with { Store = StoreKind.Root }] });

        FindingsFor(fleet, "vpn1", FleetRules.Rules).ShouldHaveSingleItem().RuleId.ShouldBe("fleet.untrusted-missing");
        FindingsFor(fleet, "vpn2", FleetRules.Rules).ShouldBeEmpty();
    }

    [Fact]
    public void UntrustedMissing_NearMiss_NpsServersAreNotJudged()
    {
        FindingsFor(Fleet(), "nps1", FleetRules.Rules).ShouldBeEmpty();
    }
}
