using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Shouldly;
using VpnPortal.Web.Features.Notifications;
using Xunit;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>
/// The portal connects to the relay's checked address, so the TLS layer compares the relay's certificate with that
/// address; what the portal then accepts is a certificate whose only fault is that, when it names the relay's host.
/// </summary>
public sealed class RelayCertificateTests
{
    [Theory]
    [InlineData("smtp.corp.example", "smtp.corp.example", SslPolicyErrors.RemoteCertificateNameMismatch, true)]
    [InlineData("*.corp.example", "smtp.corp.example", SslPolicyErrors.RemoteCertificateNameMismatch, true)]
    [InlineData("smtp.corp.example", "SMTP.Corp.Example", SslPolicyErrors.RemoteCertificateNameMismatch, true)]
    [InlineData("smtp.corp.example", "evil.example", SslPolicyErrors.RemoteCertificateNameMismatch, false)]
    [InlineData("*.corp.example", "a.smtp.corp.example", SslPolicyErrors.RemoteCertificateNameMismatch, false)]
    [InlineData("smtp.corp.example", "smtp.corp.example", SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors, false)]
    [InlineData("smtp.corp.example", "smtp.corp.example", SslPolicyErrors.RemoteCertificateChainErrors, false)]
    [InlineData("smtp.corp.example", "smtp.corp.example", SslPolicyErrors.RemoteCertificateNotAvailable, false)]
    public void WithoutAPin_ACertificateIsAcceptedOnlyWhenItsOneFaultIsTheAddress_AndItNamesTheRelay(string certificateName, string relayHost, SslPolicyErrors errors, bool accepted)
    {
        using var certificate = Certificate(certificateName);

        EmailSender.AcceptsRelayCertificate(relayHost, null, certificate, errors).ShouldBe(accepted);
    }

    [Fact]
    public void APinnedCertificate_IsAcceptedWhateverElseIsWrong_AnotherIsNot()
    {
        using var pinned = Certificate("relay.internal");
        using var other = Certificate("relay.internal");
        var pin = Convert.ToHexString(SHA256.HashData(pinned.RawData)).ToLowerInvariant();
        const SslPolicyErrors everything = SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors;

        EmailSender.AcceptsRelayCertificate("smtp.corp.example", pin, pinned, everything).ShouldBeTrue();
        EmailSender.AcceptsRelayCertificate("smtp.corp.example", pin, other, everything).ShouldBeFalse();
        EmailSender.AcceptsRelayCertificate("smtp.corp.example", pin, null, everything).ShouldBeFalse();
    }

    private static X509Certificate2 Certificate(string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
