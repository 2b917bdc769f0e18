using Shouldly;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Diagnostics;
using Xunit;
using static VpnPortal.Domain.Tests.Diagnostics.FleetFactsBuilder;

namespace VpnPortal.Domain.Tests.Diagnostics;

public sealed class PeapCertificateTests
{
    private static ServerFacts Nps1(params StoredCertificate[] personal) => Nps("nps1") with { Certificates = personal, MfaExtension = null };

    [Fact]
    public void Of_TheServerCertificate_NotTheMfaExtensionCertificateThatOutlastsIt()
    {
        var server = Nps("nps1");

        PeapCertificate.Of(server, Fleet(server))!.Sha1Thumbprint.ShouldBe(NpsCertificateSha1);
    }

    [Fact]
    public void Of_OnlyTheMfaExtensionCertificate_IsNone_WhetherTheAgentReportsItOrItIsKnownByName()
    {
        var reported = Nps("nps1") with { Certificates = [MfaCertificate()] };
        var byName = Nps1(MfaCertificate());

        PeapCertificate.Of(reported, Fleet(reported)).ShouldBeNull();
        PeapCertificate.Of(byName, Fleet(byName)).ShouldBeNull();
    }

    [Fact]
    public void Of_TheMfaExtensionsReportedThumbprint_IsNeverIt_EvenWithServerAuthentication()
    {
        var odd = Certificate(MfaCertificateSha1, "nps1-mfa.corp.example", ekus: [EnhancedKeyUsages.ServerAuthentication], notAfter: Now.AddDays(900));
        var server = Nps("nps1") with { Certificates = [Certificate(NpsCertificateSha1, "nps1.corp.example", ekus: [EnhancedKeyUsages.ServerAuthentication]), odd] };

        PeapCertificate.Of(server, Fleet(server))!.Sha1Thumbprint.ShouldBe(NpsCertificateSha1);
    }

    [Fact]
    public void Of_NeedsServerAuthenticationNamed_APrivateKey_AndPersonal()
    {
        var noEku = Certificate("A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1", "nps1.corp.example", ekus: []);
        var anyPurpose = Certificate("A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2", "nps1.corp.example", ekus: [EnhancedKeyUsages.AnyPurpose]);
        var noKey = Certificate("A3A3A3A3A3A3A3A3A3A3A3A3A3A3A3A3A3A3A3A3", "nps1.corp.example", ekus: [EnhancedKeyUsages.ServerAuthentication], hasPrivateKey: false);
        var inRoot = Certificate("A4A4A4A4A4A4A4A4A4A4A4A4A4A4A4A4A4A4A4A4", "nps1.corp.example", ekus: [EnhancedKeyUsages.ServerAuthentication], store: StoreKind.Root);
        var server = Nps1(noEku, anyPurpose, noKey, inRoot);

        PeapCertificate.Of(server, Fleet(server)).ShouldBeNull();
    }

    [Fact]
    public void Of_PrefersTheOrganisationsCa_ThenCurrentValidity_ThenTheLatestExpiry()
    {
        var elsewhere = Certificate("B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1", "nps1.public.example", ekus: [EnhancedKeyUsages.ServerAuthentication], notAfter: Now.AddDays(900), issuer: "CN=Public CA");
        var expired = Certificate("B2B2B2B2B2B2B2B2B2B2B2B2B2B2B2B2B2B2B2B2", "nps1.corp.example", ekus: [EnhancedKeyUsages.ServerAuthentication], notAfter: Now.AddDays(-1));
        var current = Certificate("B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3B3", "nps1.corp.example", ekus: [EnhancedKeyUsages.ServerAuthentication], notAfter: Now.AddDays(20));
        var later = Certificate("B4B4B4B4B4B4B4B4B4B4B4B4B4B4B4B4B4B4B4B4", "nps1.corp.example", ekus: [EnhancedKeyUsages.ServerAuthentication], notAfter: Now.AddDays(200));
        var server = Nps1(elsewhere, expired, current, later, MfaCertificate());
        var fleet = Fleet(server);

        PeapCertificate.Of(server, fleet)!.Sha1Thumbprint.ShouldBe(later.Sha1Thumbprint);
        PeapCertificate.Of(server with { Certificates = [elsewhere, expired, current] }, fleet)!.Sha1Thumbprint.ShouldBe(current.Sha1Thumbprint);
        PeapCertificate.Of(server with { Certificates = [elsewhere, expired] }, fleet)!.Sha1Thumbprint.ShouldBe(expired.Sha1Thumbprint, "the organisation's, though expired: the rules then say it expired");
        PeapCertificate.Of(server, fleet with { ClientCertificateIssuers = [] })!.Sha1Thumbprint.ShouldBe(elsewhere.Sha1Thumbprint, "no CA configured: the one that lasts longest");
    }
}
