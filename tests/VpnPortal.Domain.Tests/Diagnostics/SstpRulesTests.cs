using Shouldly;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Diagnostics;
using Xunit;
using static VpnPortal.Domain.Tests.Diagnostics.SstpFactsBuilder;

namespace VpnPortal.Domain.Tests.Diagnostics;

public sealed class SstpRulesTests
{
    private static readonly Guid IisAppId = Guid.Parse("4dc3e181-e14b-4a21-b022-59fc669b0914");

    [Fact]
    public void AllSstpCertificateAndOffloadRules_HealthyServer_FindNothing()
    {
        Run([.. SstpRules.Rules, .. CertificateRules.Rules, .. TlsOffloadRules.Rules], Healthy()).ShouldBeEmpty();
    }

    [Fact]
    public void AllSstpCertificateAndOffloadRules_HealthyOffloadedServer_FindNothing()
    {
        Run([.. SstpRules.Rules, .. CertificateRules.Rules, .. TlsOffloadRules.Rules], Offloaded()).ShouldBeEmpty();
    }

    [Fact]
    public void AllRules_NpsServerOrSstpOff_FindNothingEvenWhenBroken()
    {
        var broken = Healthy() with { Certificates = [], Bindings = [], ListenerPort = 8443, TlsOffload = true, Sha256CertificateHash = null };

        Run([.. SstpRules.Rules, .. CertificateRules.Rules, .. TlsOffloadRules.Rules], broken with { IsRras = false }).ShouldBeEmpty();
        Run([.. SstpRules.Rules, .. CertificateRules.Rules, .. TlsOffloadRules.Rules], broken with { SstpEnabled = false }).ShouldBeEmpty();
    }

    [Fact]
    public void NoValidCertificate_OnlyClientAuthCertificate_IsCritical()
    {
        var server = Healthy() with { Certificates = [Certificate(GoodSha1, ekus: EnhancedKeyUsages.ClientAuthentication)] };

        var finding = Run(SstpRules.NoValidCertificate, server).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("sstp.no-valid-certificate");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        finding.Value("Certificates in Personal").ShouldBe("1");
        finding.Value("Usable for SSTP").ShouldBe("0");
        finding.FixSteps[0].ShouldContain(PublicFqdn);
        finding.FixSteps[0].ShouldContain("vpn1");
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(300, false)]
    public void NoValidCertificate_ExpiredOrKeylessOnly_IsCritical(int daysLeft, bool privateKey)
    {
        var server = Healthy() with { Certificates = [Certificate(GoodSha1, daysLeft: daysLeft, privateKey: privateKey)] };

        Run(SstpRules.NoValidCertificate, server).ShouldHaveSingleItem().RuleId.ShouldBe("sstp.no-valid-certificate");
    }

    [Fact]
    public void NoValidCertificate_NearMiss_NoEkuCertificateWithKeyIsUsable()
    {
        var server = Healthy() with { Certificates = [Certificate(GoodSha1) with { Facts = Certificate(GoodSha1).Facts with { EnhancedKeyUsages = [] } }] };

        Run(SstpRules.NoValidCertificate, server).ShouldBeEmpty();
    }

    [Fact]
    public void NoValidCertificate_ValidCertificateOnlyInRootStore_StillFires()
    {
        var server = Healthy() with { Certificates = [Certificate(GoodSha1, store: StoreKind.Root)] };

        Run(SstpRules.NoValidCertificate, server).ShouldHaveSingleItem();
    }

    [Fact]
    public void NoValidCertificate_OffloadedOverHttp_DoesNotFire()
    {
        Run(SstpRules.NoValidCertificate, Offloaded() with { Certificates = [] }).ShouldBeEmpty();
    }

    [Fact]
    public void AmbiguousCertificate_TwoValidAndNoneConfigured_WarnsAndRecommendsTheOneThatCoversThePublicName()
    {
        var server = Healthy() with
        {
            ConfiguredSstpSha1 = null,
            Certificates = [Certificate(OtherSha1, dnsName: "vpn1.corp.local", daysLeft: 700), Certificate(GoodSha1)],
        };

        var finding = Run(SstpRules.AmbiguousCertificate, server).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("sstp.ambiguous-certificate");
        finding.Severity.ShouldBe(FindingSeverity.Warning);
        finding.Evidence.Where(e => e.Label == "Usable certificate").Select(e => e.Value[..40]).ShouldBe([OtherSha1, GoodSha1]);
        finding.FixSteps[0].ShouldContain($@"Cert:\LocalMachine\My\{GoodSha1}");
    }

    [Fact]
    public void AmbiguousCertificate_NearMiss_ExplicitChoiceOrSingleValid_DoesNotFire()
    {
        var two = Healthy() with { Certificates = [Certificate(OtherSha1), Certificate(GoodSha1)] };

        Run(SstpRules.AmbiguousCertificate, two).ShouldBeEmpty();
        Run(SstpRules.AmbiguousCertificate, Healthy() with { ConfiguredSstpSha1 = null }).ShouldBeEmpty();
    }

    [Fact]
    public void NoValidCertificate_OnlyTheMfaExtensionCertificate_IsCritical_AndSaysWhyItIsNotCounted()
    {
        var server = Healthy() with { Certificates = [MfaExtensionCertificate()], ConfiguredSstpSha1 = null, Bindings = [] };

        var finding = Run(SstpRules.NoValidCertificate, server).ShouldHaveSingleItem();

        finding.Value("Certificates in Personal").ShouldBe("1");
        finding.Value("Usable for SSTP").ShouldBe("0");
        finding.Value("Not counted: the Azure MFA extension's certificate").ShouldBe(MfaSha1);
        finding.Summary.ShouldContain("besides the Azure MFA extension's self-signed one");
    }

    [Fact]
    public void NoValidCertificate_NearMiss_TheMfaExtensionCertificateBesideAValidOne_DoesNotFire()
    {
        var server = Healthy() with { Certificates = [Certificate(GoodSha1), MfaExtensionCertificate()] };

        Run(SstpRules.NoValidCertificate, server).ShouldBeEmpty();
    }

    [Fact]
    public void AmbiguousCertificate_NearMiss_OneValidBesideTheMfaExtensionCertificate_DoesNotFire()
    {
        var server = Healthy() with { ConfiguredSstpSha1 = null, Certificates = [Certificate(GoodSha1), MfaExtensionCertificate()] };

        Run([.. SstpRules.Rules, .. CertificateRules.Rules], server).ShouldBeEmpty();
    }

    [Fact]
    public void AmbiguousCertificate_TwoValidBesideTheMfaExtensionCertificate_ListsAndRecommendsOnlyServerCertificates()
    {
        var server = Healthy() with
        {
            ConfiguredSstpSha1 = null,
            Certificates = [MfaExtensionCertificate(daysLeft: 900), Certificate(OtherSha1, dnsName: "vpn1.corp.local", daysLeft: 700), Certificate(GoodSha1)],
        };

        var finding = Run(SstpRules.AmbiguousCertificate, server).ShouldHaveSingleItem();

        finding.Evidence.Where(e => e.Label == "Usable certificate").Select(e => e.Value[..40]).ShouldBe([OtherSha1, GoodSha1]);
        finding.FixSteps[0].ShouldContain($@"Cert:\LocalMachine\My\{GoodSha1}");
    }

    [Fact]
    public void BindingMismatch_BothBindingsCarryAnotherHash_IsCriticalWithValuesAndNetshForThePort()
    {
        var server = Healthy() with
        {
            ListenerPort = 8443,
            ExpectedListenerPort = 8443,
            Bindings = [Binding("0.0.0.0:8443", OtherSha1), Binding("[::]:8443", OtherSha1)],
        };

        var finding = Run(SstpRules.BindingMismatch, server).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("sstp.binding-mismatch");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        finding.Value("Configured certificate").ShouldBe(GoodSha1);
        finding.Value("IPv4 binding (0.0.0.0:8443)").ShouldBe(OtherSha1);
        finding.Value("IPv6 binding ([::]:8443)").ShouldBe(OtherSha1);
        finding.FixSteps.ShouldContain("netsh http delete sslcert ipport=0.0.0.0:8443");
        finding.FixSteps.ShouldContain("netsh http delete sslcert ipport=[::]:8443");
        finding.FixSteps.ShouldContain(s => s.Contains($"netsh http add sslcert ipport=0.0.0.0:8443 certhash={GoodSha1} appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY"));
        finding.FixSteps.ShouldContain($"netsh http add sslcert ipport=[::]:8443 certhash={GoodSha1} appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY");
    }

    [Fact]
    public void BindingMismatch_NearMiss_SameHashWrittenWithSpacesAndLowerCase_DoesNotFire()
    {
        var spaced = string.Join(' ', Enumerable.Range(0, 20).Select(_ => "11"));
        var server = Healthy() with { ConfiguredSstpSha1 = spaced, Bindings = [Binding("0.0.0.0:443", GoodSha1.ToLowerInvariant()), Binding("[::]:443", GoodSha1)] };

        Run(SstpRules.BindingMismatch, server).ShouldBeEmpty();
    }

    [Fact]
    public void BindingMismatch_OnlyIpv6Differs_Fires()
    {
        var server = Healthy() with { Bindings = [Binding("0.0.0.0:443", GoodSha1), Binding("[::]:443", OtherSha1)] };

        var finding = Run(SstpRules.BindingMismatch, server).ShouldHaveSingleItem();
        finding.Value("IPv4 binding").ShouldBe(GoodSha1);
        finding.Value("IPv6 binding").ShouldBe(OtherSha1);
    }

    [Fact]
    public void BindingRules_OffloadedOverHttpWithoutBindings_DoNotFire()
    {
        Run([SstpRules.BindingMismatch, SstpRules.BindingIncomplete, SstpRules.BoundCertificateUnusable], Offloaded() with { ConfiguredSstpSha1 = GoodSha1 }).ShouldBeEmpty();
    }

    [Fact]
    public void BindingIncomplete_Ipv6Missing_WarnsAndRestoresIt()
    {
        var server = Healthy() with { Bindings = [Binding("0.0.0.0:443", GoodSha1)] };

        var finding = Run(SstpRules.BindingIncomplete, server).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("sstp.binding-incomplete");
        finding.Severity.ShouldBe(FindingSeverity.Warning);
        finding.Summary.ShouldContain("Only the IPv4");
        finding.Value("IPv6 binding").ShouldBe("(none)");
        finding.FixSteps.ShouldContain($"netsh http add sslcert ipport=[::]:443 certhash={GoodSha1} appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY");
    }

    [Fact]
    public void BindingIncomplete_BindingsDiffer_Warns()
    {
        var server = Healthy() with { Bindings = [Binding("0.0.0.0:443", GoodSha1), Binding("[::]:443", OtherSha1)] };

        var finding = Run(SstpRules.BindingIncomplete, server).ShouldHaveSingleItem();
        finding.Summary.ShouldContain("different certificates");
    }

    [Fact]
    public void BindingIncomplete_NoBindingAtAll_IsCritical()
    {
        var finding = Run(SstpRules.BindingIncomplete, Healthy() with { Bindings = [] }).ShouldHaveSingleItem();

        finding.Severity.ShouldBe(FindingSeverity.Critical);
        finding.FixSteps.ShouldContain($"netsh http add sslcert ipport=[::]:443 certhash={GoodSha1} appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY");
    }

    [Fact]
    public void BindingIncomplete_NearMiss_BindingsOnAnotherPortDoNotCountButOnTheListenerPortDo()
    {
        var server = Healthy() with { ListenerPort = 4443, ExpectedListenerPort = 4443, Bindings = [Binding("0.0.0.0:4443", GoodSha1), Binding("[::]:4443", GoodSha1)] };

        Run(SstpRules.BindingIncomplete, server).ShouldBeEmpty();
        Run(SstpRules.BindingIncomplete, server with { Bindings = [Binding("0.0.0.0:443", GoodSha1), Binding("[::]:443", GoodSha1)] }).ShouldHaveSingleItem();
    }

    [Fact]
    public void ForeignBinding_IisBoundOnTheSstpPort_IsCriticalPerBinding()
    {
        var server = Healthy() with
        {
            Bindings = [Binding("0.0.0.0:443", OtherSha1, IisAppId), Binding("[::]:443", GoodSha1), Binding("10.0.0.5:443", OtherSha1, IisAppId)],
        };

        var findings = Run(SstpRules.ForeignBinding, server);

        findings.Select(f => f.Key).ShouldBe(["0.0.0.0:443", "10.0.0.5:443"]);
        var wildcard = findings[0];
        wildcard.RuleId.ShouldBe("sstp.foreign-binding");
        wildcard.Severity.ShouldBe(FindingSeverity.Critical);
        wildcard.Value("Application id").ShouldBe("{4dc3e181-e14b-4a21-b022-59fc669b0914}");
        wildcard.Value("Bound certificate").ShouldBe(OtherSha1);
        wildcard.FixSteps.ShouldContain(s => s.Contains("netsh http delete sslcert ipport=0.0.0.0:443"));
        wildcard.FixSteps.ShouldContain($"netsh http add sslcert ipport=0.0.0.0:443 certhash={GoodSha1} appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY");
        findings[1].FixSteps.ShouldNotContain(s => s.Contains("add sslcert"));
    }

    [Fact]
    public void ForeignBinding_NearMiss_IisOnAnotherPort_DoesNotFire()
    {
        var server = Healthy() with { Bindings = [.. Healthy().Bindings, Binding("0.0.0.0:8443", OtherSha1, IisAppId)] };

        Run(SstpRules.ForeignBinding, server).ShouldBeEmpty();
    }

    [Fact]
    public void BoundCertificateUnusable_BoundHashNotReported_IsCriticalWithImportAndRebind()
    {
        var server = Healthy() with { ConfiguredSstpSha1 = null, Bindings = [Binding("0.0.0.0:443", OtherSha1), Binding("[::]:443", OtherSha1)] };

        var finding = Run(SstpRules.BoundCertificateUnusable, server).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("sstp.bound-certificate-unusable");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        finding.Key.ShouldBe(OtherSha1);
        finding.Value("Bound certificate").ShouldBe(OtherSha1);
        finding.Value("Found in store").ShouldBe("(not reported)");
        finding.FixSteps[0].ShouldContain("Import-PfxCertificate");
        finding.FixSteps.ShouldContain(s => s.Contains($"netsh http add sslcert ipport=0.0.0.0:443 certhash={OtherSha1} appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY"));
    }

    [Fact]
    public void BoundCertificateUnusable_NoPrivateKey_SaysSo()
    {
        var server = Healthy() with { Certificates = [Certificate(GoodSha1, privateKey: false)] };

        var finding = Run(SstpRules.BoundCertificateUnusable, server).ShouldHaveSingleItem();
        finding.Value("Private key").ShouldBe("no");
        finding.Summary.ShouldContain("without its private key");
    }

    [Fact]
    public void BoundCertificateUnusable_InAnotherStoreOnly_SaysWhichStore()
    {
        var server = Healthy() with { Certificates = [Certificate(GoodSha1, store: StoreKind.CA)] };

        Run(SstpRules.BoundCertificateUnusable, server).ShouldHaveSingleItem().Value("Found in store").ShouldBe("CA");
    }

    [Fact]
    public void BoundCertificateUnusable_NearMiss_InPersonalWithKeyAndAlsoInRoot_DoesNotFire()
    {
        var server = Healthy() with { Certificates = [Certificate(GoodSha1, store: StoreKind.Root, privateKey: false), Certificate(GoodSha1)] };

        Run(SstpRules.BoundCertificateUnusable, server).ShouldBeEmpty();
    }

    [Fact]
    public void ListenerPort_DiffersFromExpected_IsCriticalWithRegistryFix()
    {
        var server = Healthy() with { ListenerPort = 8443, Bindings = [Binding("0.0.0.0:8443", GoodSha1), Binding("[::]:8443", GoodSha1)] };

        var finding = Run(SstpRules.ListenerPort, server).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("sstp.listener-port");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        finding.Value("Reported listener port").ShouldBe("8443");
        finding.Value("Expected listener port").ShouldBe("443");
        finding.FixSteps[0].ShouldBe(@"Set-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters' -Name ListenerPort -Type DWord -Value 443");
    }

    [Fact]
    public void ListenerPort_NearMiss_NotReported_DoesNotFire()
    {
        Run(SstpRules.ListenerPort, Healthy() with { ListenerPort = null }).ShouldBeEmpty();
    }
}
