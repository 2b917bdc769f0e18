using Shouldly;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Diagnostics;
using Xunit;
using static VpnPortal.Domain.Tests.Diagnostics.FleetFactsBuilder;

namespace VpnPortal.Domain.Tests.Diagnostics;

public sealed class NpsRulesTests
{
    private static IReadOnlyList<Finding> Nps1(FleetFacts fleet) => FindingsFor(fleet, "nps1", NpsRules.Rules);

    private static FleetFacts WithNps1(Func<ServerFacts, ServerFacts> change) => Replace(Fleet(), "nps1", change);

    [Fact]
    public void HealthyFleet_HasNoNpsOrRadiusFindings()
    {
        foreach (var (_, findings) in DiagnosticRules.Evaluate(Fleet(), NpsRules.Rules))
        {
            findings.ShouldBeEmpty();
        }
    }

    [Fact]
    public void NtAuthMissingCa_IssuerNotInNtAuth_IsCriticalAndExportsTheCaFromTheServer()
    {
        var fleet = WithNps1(s => s with { Certificates = s.Certificates.Where(c => c.Store != StoreKind.NTAuth).ToList() });

        var finding = Nps1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("nps.ntauth-missing-ca");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        finding.Key.ShouldBe(IssuingCa);
        finding.Summary.ShouldContain("error 853");
        EvidenceValue(finding, "Issuer expected in NTAuth").ShouldBe(IssuingCa);
        EvidenceValue(finding, "NTAuth holds").ShouldBe("(nothing)");
        finding.FixSteps.ShouldBe(
        [
            $"On nps1: Export-Certificate -Cert Cert:\\LocalMachine\\CA\\{IssuingCaSha1} -FilePath \"C:\\Temp\\Corp Issuing CA.cer\"",
            "As an Enterprise Admin: certutil -enterprise -addstore NTAuth \"C:\\Temp\\Corp Issuing CA.cer\"",
            "On nps1: certutil -pulse (or wait for autoenrolment), then check with certutil -enterprise -viewstore NTAuth",
        ]);
    }

    [Fact]
    public void NtAuthMissingCa_AnotherCaInNtAuth_ShowsWhatIsThere()
    {
        var other = Certificate("9999000000000000000000000000000000000000", "Other CA", store: StoreKind.NTAuth, hasPrivateKey: false) with { Subject = "CN=Other CA, O=Elsewhere" };
        var fleet = WithNps1(s => s with { Certificates = [.. s.Certificates.Where(c => c.Store is not (StoreKind.NTAuth or StoreKind.CA)), other] });

        var finding = Nps1(fleet).ShouldHaveSingleItem();

        EvidenceValue(finding, "NTAuth holds").ShouldBe("CN=Other CA, O=Elsewhere");
        finding.FixSteps[0].ShouldContain("Export the certificate of CN=Corp Issuing CA, DC=corp, DC=example");
    }

    [Fact]
    public void NtAuthMissingCa_NearMiss_SameNameSpelledInOpenSslOrder()
    {
        var fleet = Fleet() with { ClientCertificateIssuers = ["DC=example,DC=corp,CN=corp issuing ca"] };

        Nps1(fleet).ShouldBeEmpty();
    }

    [Fact]
    public void NtAuthMissingCa_NearMiss_NoIssuersConfigured()
    {
        var fleet = WithNps1(s => s with { Certificates = s.Certificates.Where(c => c.Store != StoreKind.NTAuth).ToList() }) with { ClientCertificateIssuers = [] };

        Nps1(fleet).ShouldBeEmpty();
    }

    private static ServerFacts WithoutNtAuth(ServerFacts server) => server with { Certificates = server.Certificates.Where(c => c.Store != StoreKind.NTAuth).ToList() };

    [Fact]
    public void NtAuthMissingCa_ThreeNpsServersMissingTheCa_IsOneFindingForTheFleet_NamingEachWithItsEvidence()
    {
        var fleet = Fleet(Rras("vpn1"), WithoutNtAuth(Nps("nps3")), WithoutNtAuth(Nps("nps1")), WithoutNtAuth(Nps("nps2")));

        var evaluation = DiagnosticRules.EvaluateFleet(fleet);

        evaluation.ByServer.SelectMany(r => r.Findings).ShouldNotContain(f => f.RuleId == NpsRules.NtAuthMissingCaId);
        var fleetFinding = evaluation.Fleet.ShouldHaveSingleItem();
        fleetFinding.Servers.Select(s => s.Name).ShouldBe(["nps1", "nps2", "nps3"]);
        var finding = fleetFinding.Finding;
        (finding.RuleId, finding.Key, finding.Severity).ShouldBe((NpsRules.NtAuthMissingCaId, IssuingCa, FindingSeverity.Critical));
        finding.Summary.ShouldContain("as nps1, nps2, nps3 see it");
        finding.Summary.ShouldContain("adding the CA once fixes every NPS server");
        finding.Evidence.Select(e => (e.Label, e.Value)).ShouldBe(
        [
            ("Issuer expected in NTAuth", IssuingCa),
            ("NTAuth on nps1", "(nothing)"),
            ("NTAuth on nps2", "(nothing)"),
            ("NTAuth on nps3", "(nothing)"),
        ]);
        finding.FixSteps.Count(s => s.Contains("-addstore NTAuth")).ShouldBe(1);
        finding.FixSteps[0].ShouldStartWith($"On nps1: Export-Certificate -Cert Cert:\\LocalMachine\\CA\\{IssuingCaSha1}");
        finding.FixSteps[2].ShouldStartWith("On nps1, nps2, nps3: certutil -pulse");
    }

    [Fact]
    public void NtAuthMissingCa_NearMiss_OneServerAlreadyHasTheCa_TheFleetFindingNamesOnlyTheOthers()
    {
        var fleet = Fleet(WithoutNtAuth(Nps("nps1")), Nps("nps2"), WithoutNtAuth(Nps("nps3")));

        var fleetFinding = DiagnosticRules.EvaluateFleet(fleet).Fleet.ShouldHaveSingleItem();

        fleetFinding.Servers.Select(s => s.Name).ShouldBe(["nps1", "nps3"]);
        DiagnosticRules.EvaluateFleet(Fleet(Nps("nps1"), Nps("nps2"))).Fleet.ShouldBeEmpty();
    }

    [Fact]
    public void NtAuthMissingCa_TwoIssuersMissing_AreTwoFleetFindings_AndOtherRulesStayPerServer()
    {
        var fleet = Fleet(WithoutNtAuth(Nps("nps1")), WithoutNtAuth(Nps("nps2"))) with
        {
            ClientCertificateIssuers = [IssuingCa, "CN=Corp Device CA, DC=corp, DC=example"],
            EapServerNames = ["nps9.corp.example"],
        };

        var evaluation = DiagnosticRules.EvaluateFleet(fleet);

        evaluation.Fleet.Select(f => f.Finding.Key).ShouldBe([IssuingCa, "CN=Corp Device CA, DC=corp, DC=example"], ignoreOrder: true);
        evaluation.ByServer.Select(r => r.Findings.Select(f => f.RuleId).ToList()).ShouldAllBe(ids => ids.Count == 1 && ids[0] == NpsRules.EapServerNameNotListedId);
    }

    [Fact]
    public void EapServerNameNotListed_CertificateNameNotInList_IsWarningWithTheListToSet()
    {
        var fleet = Fleet() with { EapServerNames = ["nps2.corp.example;nps3.corp.example"] };

        var finding = Nps1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("nps.eap-server-name-not-listed");
        finding.Severity.ShouldBe(FindingSeverity.Warning);
        finding.Summary.ShouldContain("Continue connecting?");
        EvidenceValue(finding, "Certificate names").ShouldBe("nps1.corp.example");
        EvidenceValue(finding, "Connect to these servers").ShouldBe("nps2.corp.example;nps3.corp.example");
        finding.FixSteps[0].ShouldEndWith("set: nps2.corp.example;nps3.corp.example;nps1.corp.example");
    }

    [Fact]
    public void EapServerNameNotListed_NearMiss_ListMatchesIgnoringCase()
    {
        var fleet = Fleet() with { EapServerNames = ["NPS1.corp.example"] };

        Nps1(fleet).ShouldBeEmpty();
    }

    [Fact]
    public void EapServerNameNotListed_NearMiss_NoListConfigured()
    {
        var fleet = Fleet() with { EapServerNames = [] };

        Nps1(fleet).ShouldBeEmpty();
    }

    [Fact]
    public void MfaCertificateMissing_ThumbprintNotOnServer_IsCritical()
    {
        var fleet = WithNps1(s => s with { MfaExtension = s.MfaExtension! with { CertificateSha1 = "ab cd ef 00" } });

        var finding = Nps1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("nps.mfa-certificate-missing");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        EvidenceValue(finding, "Certificate the extension uses").ShouldBe("ab cd ef 00");
        finding.FixSteps[0].ShouldStartWith(@"On nps1, in an elevated PowerShell: & 'C:\Program Files\Microsoft\AzureMfa\Config\AzureMfaNpsExtnConfigSetup.ps1'");
        finding.FixSteps[1].ShouldBe("On nps1: Restart-Service IAS");
    }

    [Fact]
    public void MfaCertificateMissing_NearMiss_ThumbprintReportedInAnotherSpelling()
    {
        var spaced = string.Join(" ", Enumerable.Range(0, 20).Select(_ => "33"));
        var fleet = WithNps1(s => s with { MfaExtension = s.MfaExtension! with { CertificateSha1 = spaced } });

        Nps1(fleet).ShouldBeEmpty();
    }

    [Fact]
    public void MfaCertificateMissing_NearMiss_ExtensionNotInstalled()
    {
        var fleet = WithNps1(s => s with { MfaExtension = new MfaExtensionFacts(false, null, false, false) });

        Nps1(fleet).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(-2, FindingSeverity.Critical, "MFA extension certificate expired")]
    [InlineData(10, FindingSeverity.Warning, "MFA extension certificate expiring")]
    public void MfaCertificateExpiring_ExpiredOrWithinThreshold(int daysLeft, FindingSeverity severity, string title)
    {
        var fleet = WithNps1(s => s with
        {
            Certificates = s.Certificates.Select(c => c.Sha1Thumbprint == MfaCertificateSha1 ? c with { Facts = c.Facts with { NotAfter = Now.AddDays(daysLeft) } } : c).ToList(),
        });

        var finding = Nps1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("nps.mfa-certificate-expiring");
        finding.Severity.ShouldBe(severity);
        finding.Title.ShouldBe(title);
        EvidenceValue(finding, "Expires").ShouldBe(Now.AddDays(daysLeft).ToString("yyyy-MM-dd"));
        EvidenceValue(finding, "Alert threshold").ShouldBe("30 days");
        finding.FixSteps[1].ShouldBe("On nps1: Restart-Service IAS");
    }

    [Fact]
    public void MfaCertificateExpiring_NearMiss_BeyondTheLargestThreshold()
    {
        var fleet = WithNps1(s => s with
        {
            Certificates = s.Certificates.Select(c => c.Sha1Thumbprint == MfaCertificateSha1 ? c with { Facts = c.Facts with { NotAfter = Now.AddDays(31) } } : c).ToList(),
        });

        Nps1(fleet).ShouldBeEmpty();
    }

    [Fact]
    public void MfaServicePrincipalDisabled_ConnectorDisabled_NamesItWithTheGraphFix()
    {
        var fleet = WithNps1(s => s with { MfaExtension = s.MfaExtension! with { ConnectorServicePrincipalEnabled = false } });

        var finding = Nps1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("nps.mfa-service-principal-disabled");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        finding.Key.ShouldBe("1f5530b3-261a-47a9-b357-ded261e17918");
        EvidenceValue(finding, "Service principal").ShouldBe("Azure Multi-Factor Auth Connector (1f5530b3-261a-47a9-b357-ded261e17918)");
        finding.FixSteps.ShouldContain("Update-MgServicePrincipal -ServicePrincipalId (Get-MgServicePrincipal -Filter \"appId eq '1f5530b3-261a-47a9-b357-ded261e17918'\").Id -AccountEnabled:$true");
        finding.FixSteps.ShouldContain("On nps1: Restart-Service IAS");
    }

    [Fact]
    public void MfaServicePrincipalDisabled_BothDisabled_OneFindingEach()
    {
        var fleet = WithNps1(s => s with { MfaExtension = s.MfaExtension! with { ClientServicePrincipalEnabled = false, ConnectorServicePrincipalEnabled = false } });

        Nps1(fleet).Select(f => f.Key).ShouldBe(["981f26a1-7f43-403b-a875-f8b09b8cd720", "1f5530b3-261a-47a9-b357-ded261e17918"], ignoreOrder: true);
    }

    [Fact]
    public void MfaServicePrincipalDisabled_NearMiss_UnknownIsNotDisabled()
    {
        var fleet = WithNps1(s => s with { MfaExtension = s.MfaExtension! with { ClientServicePrincipalEnabled = null, ConnectorServicePrincipalEnabled = null } });

        Nps1(fleet).ShouldBeEmpty();
    }

    [Fact]
    public void RadiusTimeoutShort_OneFindingPerShortServer_WithThisServersAddress()
    {
        var fleet = Replace(Fleet(), "vpn1", s => s with { RadiusServers = [new RadiusFacts("10.0.0.20", 30), new RadiusFacts("10.0.0.21", 60), new RadiusFacts("10.0.0.22", 5)] });

        var findings = FindingsFor(fleet, "vpn1", NpsRules.Rules);

        findings.Select(f => f.Key).ShouldBe(["10.0.0.20", "10.0.0.22"]);
        var finding = findings[0];
        finding.RuleId.ShouldBe("radius.timeout-short");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        EvidenceValue(finding, "RADIUS server").ShouldBe("10.0.0.20");
        EvidenceValue(finding, "Timeout").ShouldBe("30 s");
        finding.FixSteps[0].ShouldBe("On vpn1: Set-RemoteAccessRadius -ServerName 10.0.0.20 -Timeout 60");
        finding.FixSteps[1].ShouldContain("Routing and Remote Access console");
    }

    [Fact]
    public void RadiusTimeoutShort_NearMiss_NoPhoneCallMfa()
    {
        var fleet = Replace(Fleet(), "vpn1", s => s with { RadiusServers = [new RadiusFacts("10.0.0.20", 30)] }) with { PhoneCallMfa = false };

        FindingsFor(fleet, "vpn1", NpsRules.Rules).ShouldBeEmpty();
    }

    [Fact]
    public void NoServerCertificate_PersonalHoldsOnlyUnfitCertificates_IsCriticalAndSaysWhyEachIsUnfit()
    {
        var noKey = Certificate("6666666666666666666666666666666666666666", "nps1.corp.example", ekus: [EnhancedKeyUsages.ServerAuthentication], hasPrivateKey: false);
        var expired = Certificate("7777777777777777777777777777777777777777", "nps1-old.corp.example", ekus: [EnhancedKeyUsages.ServerAuthentication], notAfter: Now.AddDays(-2));
        var fleet = WithNps1(s => s with { Certificates = [.. s.Certificates.Where(c => c.Store != StoreKind.My), noKey, expired] });

        var finding = Nps1(fleet).Where(f => f.RuleId == NpsRules.NoServerCertificateId).ShouldHaveSingleItem();

        finding.Severity.ShouldBe(FindingSeverity.Critical);
        EvidenceValue(finding, "Certificates in Personal").ShouldBe("2");
        EvidenceValue(finding, "nps1.corp.example").ShouldBe("6666666666666666666666666666666666666666: no private key");
        EvidenceValue(finding, "nps1-old.corp.example").ShouldBe("7777777777777777777777777777777777777777: expired 2025-05-30");
        finding.FixSteps[0].ShouldContain("-DnsName nps1.corp.example -CertStoreLocation Cert:\\LocalMachine\\My");
    }

    [Fact]
    public void NoServerCertificate_NothingInPersonal_Fires_AndNotOnRras()
    {
        var fleet = WithNps1(s => s with { Certificates = [.. s.Certificates.Where(c => c.Store != StoreKind.My)] });

        EvidenceValue(Nps1(fleet).Single(f => f.RuleId == NpsRules.NoServerCertificateId), "Certificates in Personal").ShouldBe("(none)");
        FindingsFor(Replace(fleet, "vpn1", v => v with { Certificates = [] }), "vpn1", NpsRules.Rules).ShouldNotContain(f => f.RuleId == NpsRules.NoServerCertificateId);
    }

    [Fact]
    public void NoServerCertificate_NearMiss_OneUsableBesideUnfitOnes_DoesNotFire()
    {
        var noKey = Certificate("6666666666666666666666666666666666666666", "nps1.corp.example", ekus: [EnhancedKeyUsages.ServerAuthentication], hasPrivateKey: false);
        var fleet = WithNps1(s => s with { Certificates = [.. s.Certificates, noKey] });

        Nps1(fleet).ShouldNotContain(f => f.RuleId == NpsRules.NoServerCertificateId);
    }

    // The Azure MFA extension's self-signed certificate (CN = the tenant id, no EKU) outlasts the PEAP certificate on
    // every NPS server of these fleets: nothing NPS presents to EAP clients may be taken from it.

    [Fact]
    public void EapServerNameNotListed_PeapCertificateNotListed_NamesThePeapCertificate_NeverTheTenant()
    {
        var fleet = Fleet() with { EapServerNames = ["nps2.corp.example"] };

        var finding = Nps1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe(NpsRules.EapServerNameNotListedId);
        EvidenceValue(finding, "Certificate").ShouldBe($"CN=nps1.corp.example ({NpsCertificateSha1})");
        finding.FixSteps[0].ShouldEndWith("set: nps2.corp.example;nps1.corp.example");
        string.Join("\n", [finding.Summary, .. finding.FixSteps, .. finding.Evidence.Select(e => e.Value)]).ShouldNotContain(TenantId);
    }

    [Fact]
    public void EapServerNameNotListed_MfaExtensionCertificateBesideAListedPeapCertificate_StaysQuiet()
    {
        var fleet = Fleet() with { EapServerNames = ["nps1.corp.example"] };

        Nps1(fleet).ShouldBeEmpty();
    }

    [Fact]
    public void EapServerNameNotListed_MfaCertificateTheAgentDoesNotReport_IsKnownByItsName()
    {
        var older = MfaCertificate("3434343434343434343434343434343434343434", notAfter: Now.AddDays(900));
        var fleet = WithNps1(s => s with { Certificates = [.. s.Certificates, older], MfaExtension = null }) with { EapServerNames = ["nps1.corp.example"] };

        Nps1(fleet).ShouldBeEmpty();
    }

    [Fact]
    public void EapServerNameNotListed_NearMiss_GuidNamedServerCertificateWithoutTheExtensionsOu_IsThePeapCertificate()
    {
        // A server certificate that happens to carry a GUID as its name is still one: only the extension's OU marks the decoy.
        var guidNamed = Certificate("6060606060606060606060606060606060606060", TenantId, ekus: [EnhancedKeyUsages.ServerAuthentication], notAfter: Now.AddDays(800));
        var fleet = WithNps1(s => s with { Certificates = [.. s.Certificates, guidNamed] }) with { EapServerNames = ["nps1.corp.example"] };

        var finding = Nps1(fleet).ShouldHaveSingleItem();

        EvidenceValue(finding, "Certificate").ShouldBe($"CN={TenantId} (6060606060606060606060606060606060606060)");
    }

    [Fact]
    public void NoServerCertificate_OnlyTheMfaExtensionCertificateInPersonal_IsCritical_AndSaysItIsTheExtensions()
    {
        var fleet = WithNps1(s => s with { Certificates = [.. s.Certificates.Where(c => c.Sha1Thumbprint != NpsCertificateSha1)] });

        var finding = Nps1(fleet).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe(NpsRules.NoServerCertificateId);
        EvidenceValue(finding, "Certificates in Personal").ShouldBe("1");
        EvidenceValue(finding, TenantId).ShouldBe($"{MfaCertificateSha1}: the Azure MFA extension's certificate (it signs the extension in to Entra ID and never serves EAP)");
        finding.FixSteps[0].ShouldContain("-DnsName nps1.corp.example");
    }

    [Fact]
    public void NoServerCertificate_NearMiss_NoEkuCertificateFromTheCa_IsNotOneNpsOffers_ButWithServerAuthenticationItIs()
    {
        var noEku = Certificate("6161616161616161616161616161616161616161", "nps1.corp.example", ekus: []);
        var fleet = WithNps1(s => s with { Certificates = [.. s.Certificates.Where(c => c.Sha1Thumbprint != NpsCertificateSha1), noEku] });

        EvidenceValue(Nps1(fleet).Single(f => f.RuleId == NpsRules.NoServerCertificateId), "nps1.corp.example").ShouldBe("6161616161616161616161616161616161616161: no Server Authentication");
        Nps1(Fleet()).ShouldNotContain(f => f.RuleId == NpsRules.NoServerCertificateId);
    }

    [Fact]
    public void EapServerNameNotListed_TheOrganisationsCertificateIsThePeapCertificate_NotALongerOneFromElsewhere()
    {
        var publicCa = Certificate("6262626262626262626262626262626262626262", "radius.corp-public.example", ekus: [EnhancedKeyUsages.ServerAuthentication], notAfter: Now.AddDays(800), issuer: "CN=Some Public CA, O=Public");
        var fleet = WithNps1(s => s with { Certificates = [.. s.Certificates, publicCa] }) with { EapServerNames = ["nps1.corp.example"] };

        Nps1(fleet).ShouldBeEmpty();
        var unconfigured = fleet with { ClientCertificateIssuers = [] };
        EvidenceValue(Nps1(unconfigured).Single(f => f.RuleId == NpsRules.EapServerNameNotListedId), "Certificate names").ShouldBe("radius.corp-public.example", "without the CA configured, the one that lasts longest");
    }
}
