using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Shouldly;
using VpnPortal.Web.Features.Notifications;
using Xunit;

namespace VpnPortal.Web.Tests.Notifications;

/// <summary>
/// The relay's certificate is checked by TLS against the relay's host name (the portal connects to a checked address and
/// gives MailKit the host); what the channel adds is a pinned certificate, accepted whatever else is wrong with it.
/// </summary>
public sealed class RelayCertificateTests
{
    [Theory]
    [InlineData(SslPolicyErrors.None, true)]
    [InlineData(SslPolicyErrors.RemoteCertificateNameMismatch, false)]
    [InlineData(SslPolicyErrors.RemoteCertificateChainErrors, false)]
    [InlineData(SslPolicyErrors.RemoteCertificateNotAvailable, false)]
    public void WithoutAPin_OnlyACertificateThatPassedValidationIsAccepted(SslPolicyErrors errors, bool accepted)
    {
        using var certificate = Certificate("smtp.corp.example");

        EmailSender.AcceptsRelayCertificate(null, certificate, errors).ShouldBe(accepted);
    }

    [Fact]
    public void APinnedCertificate_IsAcceptedWhateverElseIsWrong_AnotherIsNot()
    {
        using var pinned = Certificate("relay.internal");
        using var other = Certificate("relay.internal");
        var pin = Convert.ToHexString(SHA256.HashData(pinned.RawData)).ToLowerInvariant();
        const SslPolicyErrors everything = SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors;

        EmailSender.AcceptsRelayCertificate(pin, pinned, everything).ShouldBeTrue();
        EmailSender.AcceptsRelayCertificate(pin, other, everything).ShouldBeFalse();
        EmailSender.AcceptsRelayCertificate(pin, null, everything).ShouldBeFalse();
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
