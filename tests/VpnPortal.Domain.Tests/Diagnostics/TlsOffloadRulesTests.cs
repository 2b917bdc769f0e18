using Shouldly;
using VpnPortal.Domain.Diagnostics;
using Xunit;
using static VpnPortal.Domain.Tests.Diagnostics.SstpFactsBuilder;

namespace VpnPortal.Domain.Tests.Diagnostics;

public sealed class TlsOffloadRulesTests
{
    private const string NewLbSha256 = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

    [Fact]
    public void HashMissing_OffloadWithoutHash_IsCriticalWithTheBalancersHashInTheFix()
    {
        var finding = Run(TlsOffloadRules.Rules, Offloaded() with { Sha256CertificateHash = null }).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("offload.hash-missing");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        finding.Value("SHA256CertificateHash on the server").ShouldBe("(not set)");
        finding.Value("Load balancer certificate SHA-256").ShouldBe(LbSha256);
        finding.FixSteps[0].ShouldBe($"Enable-SSTPOffload -CertificateHash {LbSha256} -Restart");
        finding.FixSteps[1].ShouldContain($"$hex = '{LbSha256}'");
        finding.FixSteps[1].ShouldContain("SHA256CertificateHash -Type Binary");
    }

    [Fact]
    public void HashMissing_NearMiss_OffloadOff_DoesNotFire()
    {
        Run(TlsOffloadRules.Rules, Healthy() with { Sha256CertificateHash = null }).ShouldBeEmpty();
    }

    [Fact]
    public void HashMismatch_ServerKnowsTheOldCertificate_IsCriticalWithBothHashes()
    {
        var finding = Run(TlsOffloadRules.Rules, Offloaded() with { LoadBalancerCertificateSha256 = NewLbSha256 }).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("offload.hash-mismatch");
        finding.Severity.ShouldBe(FindingSeverity.Critical);
        finding.Value("SHA256CertificateHash on the server").ShouldBe(LbSha256);
        finding.Value("Load balancer certificate SHA-256").ShouldBe(NewLbSha256);
        finding.FixSteps[0].ShouldBe($"Enable-SSTPOffload -CertificateHash {NewLbSha256} -Restart");
    }

    [Fact]
    public void HashMismatch_NearMiss_SameHashInLowerCaseWithColons_DoesNotFire()
    {
        var colons = string.Join(':', Enumerable.Range(0, 32).Select(_ => "aa"));

        Run(TlsOffloadRules.Rules, Offloaded() with { Sha256CertificateHash = colons }).ShouldBeEmpty();
    }

    [Fact]
    public void HashMismatch_NearMiss_BalancerCertificateUnknown_DoesNotFire()
    {
        Run(TlsOffloadRules.HashMismatch, Offloaded() with { LoadBalancerCertificateSha256 = null }).ShouldBeEmpty();
    }

    [Fact]
    public void HttpsStillOn_OffloadButUseHttps_Warns()
    {
        var finding = Run(TlsOffloadRules.Rules, Offloaded() with { UseHttps = true }).ShouldHaveSingleItem();

        finding.RuleId.ShouldBe("offload.https-still-on");
        finding.Severity.ShouldBe(FindingSeverity.Warning);
        finding.FixSteps.ShouldContain(@"Set-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters' -Name UseHttps -Type DWord -Value 0");
    }

    [Fact]
    public void HttpsStillOn_NearMiss_UseHttpsNotReported_DoesNotFire()
    {
        Run(TlsOffloadRules.HttpsStillOn, Offloaded() with { UseHttps = null }).ShouldBeEmpty();
    }
}
