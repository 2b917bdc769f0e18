using Shouldly;
using VpnPortal.Domain.Alerts;
using Xunit;

namespace VpnPortal.Domain.Tests.Alerts;

public sealed class AlertResolutionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Rras1 = Guid.NewGuid();
    private static readonly Guid Rras2 = Guid.NewGuid();
    private static readonly Placement My1 = new(Rras1, WatchedStore.My);
    private static readonly Placement My2 = new(Rras2, WatchedStore.My);

    private static PlacedCertificate Cert(string sha1, string cn, double daysLeft, params (Placement Where, CertificatePurpose[] Purposes)[] placements) =>
        new(sha1, cn, [cn], Now.AddDays(daysLeft), placements.ToDictionary(p => p.Where, p => p.Purposes));

    private static (Placement, CertificatePurpose[]) At(Placement where, params CertificatePurpose[] purposes) =>
        (where, purposes.Length == 0 ? [CertificatePurpose.OtherServerCertificate] : purposes);

    [Fact]
    public void Gone_WithoutSuccessor_IsNoLongerInstalled() =>
        AlertResolution.Evaluate(Cert("OLD", "vpn.corp.example", 5), [My1], [])
            .ShouldBe(new Resolution(AlertResolutionReason.NoLongerInstalled, null));

    [Fact]
    public void Gone_WithSuccessorWhereItWas_IsReplaced() =>
        AlertResolution.Evaluate(Cert("OLD", "vpn.corp.example", 5), [My1], [Cert("NEW", "vpn.corp.example", 365, At(My1, CertificatePurpose.Sstp))])
            .ShouldBe(new Resolution(AlertResolutionReason.Replaced, "NEW"));

    [Fact]
    public void Gone_SuccessorElsewhereOnly_IsNoLongerInstalled() =>
        AlertResolution.Evaluate(Cert("OLD", "vpn.corp.example", 5), [My1], [Cert("NEW", "vpn.corp.example", 365, At(My2))])!
            .Reason.ShouldBe(AlertResolutionReason.NoLongerInstalled);

    [Fact]
    public void StillInstalled_SuccessorBesideIt_AndNotInUse_IsReplaced() =>
        AlertResolution.Evaluate(Cert("OLD", "vpn.corp.example", 5, At(My1)), [My1], [Cert("NEW", "vpn.corp.example", 365, At(My1, CertificatePurpose.Sstp))])
            .ShouldBe(new Resolution(AlertResolutionReason.Replaced, "NEW"));

    [Fact]
    public void StillConfiguredForSstp_SuccessorBesideIt_Stands() =>
        AlertResolution.Evaluate(Cert("OLD", "vpn.corp.example", 5, At(My1, CertificatePurpose.Sstp)), [My1], [Cert("NEW", "vpn.corp.example", 365, At(My1))])
            .ShouldBeNull();

    [Fact]
    public void ReplacedOnOneOfTwoServers_Stands() =>
        AlertResolution.Evaluate(Cert("OLD", "vpn.corp.example", 5, At(My1), At(My2)), [My1, My2], [Cert("NEW", "vpn.corp.example", 365, At(My1))])
            .ShouldBeNull();

    [Fact]
    public void NewerCertificateForAnotherName_IsNoSuccessor() =>
        AlertResolution.Evaluate(Cert("OLD", "vpn.corp.example", 5, At(My1)), [My1], [Cert("NEW", "other.corp.example", 365, At(My1))])
            .ShouldBeNull();

    [Fact]
    public void SameNameEndingSooner_IsNoSuccessor() =>
        AlertResolution.Evaluate(Cert("OLD", "vpn.corp.example", 5, At(My1)), [My1], [Cert("NEW", "vpn.corp.example", 4, At(My1))])
            .ShouldBeNull();

    [Fact]
    public void Successor_MatchesOnASharedDnsName_CaseInsensitively()
    {
        var old = new PlacedCertificate("OLD", "Old CN", ["vpn.corp.example", "vpn2.corp.example"], Now.AddDays(5), new Dictionary<Placement, CertificatePurpose[]>());
        var renewed = new PlacedCertificate("NEW", "New CN", ["VPN2.corp.example"], Now.AddDays(300), new Dictionary<Placement, CertificatePurpose[]>());

        AlertResolution.IsSuccessor(old, renewed).ShouldBeTrue();
        AlertResolution.IsSuccessor(renewed, old).ShouldBeFalse();
        AlertResolution.IsSuccessor(old, old with { NotAfter = Now.AddDays(400) }).ShouldBeFalse("the same thumbprint is the same certificate");
    }

    [Fact]
    public void NameKeys_CoverEveryWayASuccessorIsRecognised_InOneCase()
    {
        AlertResolution.NameKeys("VPN.corp.example", ["vpn.corp.example", " vpn2.Corp.Example "]).ShouldBe(["VPN.CORP.EXAMPLE", "VPN2.CORP.EXAMPLE"]);
        AlertResolution.NameKeys("Corp Root CA", []).ShouldBe(["CORP ROOT CA"]);
        AlertResolution.NameKeys("Old CN", ["vpn.corp.example"]).ShouldBe(["VPN.CORP.EXAMPLE", "OLD CN"], "the CN counts even when DNS names are presented");
        AlertResolution.NameKeys(null, []).ShouldBeEmpty();
        AlertResolution.NameKeys(new string('a', 300), []).ShouldHaveSingleItem().Length.ShouldBe(AlertResolution.MaxNameKeyLength);

        // Whenever IsSuccessor holds, the two share a key.
        var old = new PlacedCertificate("OLD", "Old CN", ["vpn.corp.example", "vpn2.corp.example"], Now.AddDays(5), new Dictionary<Placement, CertificatePurpose[]>());
        foreach (var renewed in new[]
        {
            new PlacedCertificate("NEW", "New CN", ["VPN2.corp.example"], Now.AddDays(300), new Dictionary<Placement, CertificatePurpose[]>()),
            new PlacedCertificate("NEW", "OLD cn", [], Now.AddDays(300), new Dictionary<Placement, CertificatePurpose[]>()),
        })
        {
            AlertResolution.IsSuccessor(old, renewed).ShouldBeTrue();
            AlertResolution.NameKeys(old.SubjectCommonName, old.DnsNames).Intersect(AlertResolution.NameKeys(renewed.SubjectCommonName, renewed.DnsNames)).ShouldNotBeEmpty();
        }
    }
}
