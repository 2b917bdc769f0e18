using Shouldly;
using VpnPortal.Domain.Alerts;
using VpnPortal.Domain.Certificates;
using Xunit;

namespace VpnPortal.Domain.Tests.Alerts;

public sealed class CertificatePurposesTests
{
    private const string Sha1 = "AAAA000000000000000000000000000000000001";
    private const string Other = "BBBB000000000000000000000000000000000002";
    private const string Subject = "CN=server1.corp.example";
    private const string MfaSubject = "CN=6f0e3c2a-9d41-4b7e-a3c5-2f8d1e0b7a94, OU=Microsoft NPS Extension";
    private static readonly string[] ServerAuth = [EnhancedKeyUsages.ServerAuthentication];
    private static readonly string[] Ikev2 = [EnhancedKeyUsages.ServerAuthentication, EnhancedKeyUsages.IpSecurityIkeIntermediate];

    [Fact]
    public void Rras_ConfiguredForSstp_IsSstp() =>
        CertificatePurposes.Of(WatchedStore.My, Sha1, Subject, ServerAuth, ServerUse.Rras(Sha1.ToLowerInvariant())).ShouldBe([CertificatePurpose.Sstp]);

    [Fact]
    public void Rras_BoundForSstpOnly_IsSstp() =>
        CertificatePurposes.Of(WatchedStore.My, Sha1, Subject, ServerAuth, ServerUse.Rras(Other, Sha1)).ShouldBe([CertificatePurpose.Sstp]);

    [Fact]
    public void Rras_WithIkeEku_IsIkev2_AndSstpWhenAlsoConfigured()
    {
        CertificatePurposes.Of(WatchedStore.My, Sha1, Subject, Ikev2, ServerUse.Rras(Other)).ShouldBe([CertificatePurpose.Ikev2]);
        CertificatePurposes.Of(WatchedStore.My, Sha1, Subject, Ikev2, ServerUse.Rras(Sha1)).ShouldBe([CertificatePurpose.Sstp, CertificatePurpose.Ikev2]);
    }

    [Fact]
    public void Rras_AllPurposeCertificateNotUsed_IsOtherServerCertificate() =>
        CertificatePurposes.Of(WatchedStore.My, Sha1, Subject, [], ServerUse.Rras(Other)).ShouldBe([CertificatePurpose.OtherServerCertificate]);

    [Fact]
    public void Nps_MfaExtensionCertificate_IsMfaExtension() =>
        CertificatePurposes.Of(WatchedStore.My, Sha1, Subject, ["1.3.6.1.5.5.7.3.2"], ServerUse.Nps(Sha1)).ShouldBe([CertificatePurpose.MfaExtension]);

    [Fact]
    public void Nps_ServerAuthentication_IsNpsServer_ClientAuthOnlyIsOther()
    {
        CertificatePurposes.Of(WatchedStore.My, Sha1, Subject, ServerAuth, ServerUse.Nps(Other)).ShouldBe([CertificatePurpose.NpsServer]);
        CertificatePurposes.Of(WatchedStore.My, Sha1, Subject, ["1.3.6.1.5.5.7.3.2"], ServerUse.Nps(Other)).ShouldBe([CertificatePurpose.OtherServerCertificate]);
    }

    [Theory]
    [InlineData(WatchedStore.NTAuth, CertificatePurpose.NtAuthCa)]
    [InlineData(WatchedStore.Root, CertificatePurpose.CaCertificate)]
    [InlineData(WatchedStore.CA, CertificatePurpose.CaCertificate)]
    [InlineData(WatchedStore.Portal, CertificatePurpose.PendingRotation)]
    public void Store_DecidesForCaStoresAndThePortal(WatchedStore store, CertificatePurpose expected) =>
        CertificatePurposes.Of(store, Sha1, Subject, ServerAuth, ServerUse.Rras(Sha1)).ShouldBe([expected]);

    [Fact]
    public void Untrusted_HasNoPurpose_SoItIsNeverWatched() =>
        CertificatePurposes.Of(WatchedStore.Disallowed, Sha1, Subject, ServerAuth, ServerUse.Rras(Sha1)).ShouldBeEmpty();

    [Fact]
    public void Nps_MfaExtensionCertificateTheAgentDoesNotName_IsKnownByItsSubject_NotAnNpsServerCertificate()
    {
        CertificatePurposes.Of(WatchedStore.My, Sha1, MfaSubject, [], ServerUse.Nps(Other)).ShouldBe([CertificatePurpose.MfaExtension]);
        CertificatePurposes.Of(WatchedStore.My, Sha1, MfaSubject, [], ServerUse.Nps()).ShouldBe([CertificatePurpose.MfaExtension]);
    }

    [Fact]
    public void Nps_AllPurposeCertificate_IsNotAnNpsServerCertificate_WhichNeedsServerAuthenticationNamed()
    {
        CertificatePurposes.Of(WatchedStore.My, Sha1, Subject, [], ServerUse.Nps(Other)).ShouldBe([CertificatePurpose.OtherServerCertificate]);
        CertificatePurposes.Of(WatchedStore.My, Sha1, "CN=6f0e3c2a-9d41-4b7e-a3c5-2f8d1e0b7a94", ServerAuth, ServerUse.Nps(Other)).ShouldBe([CertificatePurpose.NpsServer], "a GUID name without the extension's OU is no decoy");
    }
}
