using Shouldly;
using VpnPortal.Domain.Certificates;
using Xunit;

namespace VpnPortal.Domain.Tests.Certificates;

public sealed class CertificateFitnessTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static CertificateFacts Facts(params string[] ekus) => new()
    {
        EnhancedKeyUsages = ekus,
        HasPrivateKey = true,
        NotBefore = Now.AddDays(-10),
        NotAfter = Now.AddDays(300),
        CrlDistributionPoints = ["http://pki.corp.example/crl/issuing.crl"],
    };

    [Fact]
    public void Sstp_ServerAuthWithKeyAndCrl_IsFitWithoutWarnings()
    {
        CertificateFitness.Sstp(Facts(EnhancedKeyUsages.ServerAuthentication), Now).ShouldBe(new FitnessVerdict(true, [], []), new VerdictComparer());
    }

    [Fact]
    public void Sstp_NoEkuExtension_IsFitBecauseAllPurposes()
    {
        CertificateFitness.Sstp(Facts(), Now).Fit.ShouldBeTrue();
    }

    [Fact]
    public void Sstp_ClientAuthOnly_IsNotFitAndSaysWhy()
    {
        var verdict = CertificateFitness.Sstp(Facts(EnhancedKeyUsages.ClientAuthentication), Now);

        verdict.Fit.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldContain("Server Authentication");
    }

    [Fact]
    public void Sstp_NoPrivateKey_SaysAPublicFileHasNone()
    {
        var verdict = CertificateFitness.Sstp(Facts(EnhancedKeyUsages.ServerAuthentication) with { HasPrivateKey = false }, Now);

        verdict.Fit.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldContain("no private key");
    }

    [Fact]
    public void Sstp_Expired_IsNotFit()
    {
        var verdict = CertificateFitness.Sstp(Facts(EnhancedKeyUsages.ServerAuthentication) with { NotAfter = Now.AddDays(-1) }, Now);

        verdict.Fit.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldStartWith("it expired on 2026-11-21");
    }

    [Fact]
    public void Sstp_NotYetValid_IsNotFit()
    {
        CertificateFitness.Sstp(Facts() with { NotBefore = Now.AddDays(2) }, Now).Reasons.ShouldHaveSingleItem().ShouldContain("not valid before");
    }

    [Fact]
    public void Sstp_NoCrlAndExpiringSoon_IsFitWithTwoWarnings()
    {
        var verdict = CertificateFitness.Sstp(Facts(EnhancedKeyUsages.ServerAuthentication) with { CrlDistributionPoints = [], NotAfter = Now.AddDays(5) }, Now);

        verdict.Fit.ShouldBeTrue();
        verdict.Warnings.Count.ShouldBe(2);
        verdict.Warnings.ShouldContain(w => w.Contains("CRL distribution point"));
        verdict.Warnings.ShouldContain(w => w.Contains("within 30 days"));
    }

    [Fact]
    public void Ikev2_ServerAuthAndIkeIntermediate_IsFit()
    {
        CertificateFitness.Ikev2(Facts(EnhancedKeyUsages.ServerAuthentication, EnhancedKeyUsages.IpSecurityIkeIntermediate), Now).Fit.ShouldBeTrue();
    }

    [Fact]
    public void Ikev2_ServerAuthOnly_NamesTheMissingIkeIntermediate()
    {
        var verdict = CertificateFitness.Ikev2(Facts(EnhancedKeyUsages.ServerAuthentication), Now);

        verdict.Fit.ShouldBeFalse();
        verdict.Reasons.ShouldHaveSingleItem().ShouldContain("1.3.6.1.5.5.8.2.2");
    }

    [Fact]
    public void Ikev2_ClientAuthOnly_NamesBothMissingUsages()
    {
        CertificateFitness.Ikev2(Facts(EnhancedKeyUsages.ClientAuthentication), Now).Reasons.Count.ShouldBe(2);
    }

    [Fact]
    public void ClientAuthentication_ClientAuthEkuWithoutCrl_IsFitWithoutWarnings()
    {
        var verdict = CertificateFitness.ClientAuthentication(Facts(EnhancedKeyUsages.ClientAuthentication) with { CrlDistributionPoints = [] }, Now);

        verdict.Fit.ShouldBeTrue();
        verdict.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void ClientAuthentication_ServerAuthOnly_IsNotFit()
    {
        CertificateFitness.ClientAuthentication(Facts(EnhancedKeyUsages.ServerAuthentication), Now).Fit.ShouldBeFalse();
    }

    private sealed class VerdictComparer : IEqualityComparer<FitnessVerdict>
    {
        public bool Equals(FitnessVerdict? x, FitnessVerdict? y) =>
            x is not null && y is not null && x.Fit == y.Fit && x.Reasons.SequenceEqual(y.Reasons) && x.Warnings.SequenceEqual(y.Warnings);

        public int GetHashCode(FitnessVerdict obj) => obj.Fit.GetHashCode();
    }
}
