using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Shouldly;
using VpnPortal.Agent.Parsing;
using Xunit;

namespace VpnPortal.Agent.Tests.Parsing;

public sealed class SerializedCertificateBlobTests
{
    [Fact]
    public void ExtractCertificate_SampleNtAuthBlob_ReturnsTheCaCertificate()
    {
        // An NTAuth entry as Windows stores it: properties 3 (SHA-1), 20 (subject key identifier), 32 (the certificate).
        var blob = Convert.FromHexString(Samples.Read("ntauth-corp-issuing-ca.blob.hex").Trim());

        var der = SerializedCertificateBlob.ExtractCertificate(blob, "NTAuth\\Certificates\\X");

        using var certificate = X509CertificateLoader.LoadCertificate(der);
        certificate.Subject.ShouldBe("CN=Corp Issuing CA 1, O=Corp");
        certificate.Thumbprint.ShouldBe(Samples.Read("ntauth-corp-issuing-ca.sha1").Trim());
    }

    [Fact]
    public void ExtractCertificate_WhatCreateWrites_RoundTrips()
    {
        var der = NewCertificateDer();

        SerializedCertificateBlob.ExtractCertificate(SerializedCertificateBlob.Create(der), "test").ShouldBe(der);
    }

    [Fact]
    public void ExtractCertificate_Truncated_SaysHowManyBytesAreMissing()
    {
        var blob = SerializedCertificateBlob.Create(NewCertificateDer());

        var error = Should.Throw<OutputFormatException>(() => SerializedCertificateBlob.ExtractCertificate(blob.AsSpan(0, blob.Length - 10), "NTAuth\\Certificates\\ABC"));

        error.Message.ShouldStartWith("NTAuth\\Certificates\\ABC (field 'Blob'): property 32");
        error.Message.ShouldContain("remain");
    }

    [Fact]
    public void ExtractCertificate_HalfAHeader_IsAnError()
    {
        Should.Throw<OutputFormatException>(() => SerializedCertificateBlob.ExtractCertificate(new byte[7], "x")).Message.ShouldContain("truncated property header");
    }

    [Fact]
    public void ExtractCertificate_NoCertificateProperty_IsAnError()
    {
        var blob = new byte[12 + 4];
        BinaryPrimitives.WriteUInt32LittleEndian(blob, 20);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), 4);

        Should.Throw<OutputFormatException>(() => SerializedCertificateBlob.ExtractCertificate(blob, "x")).Message.ShouldContain("no certificate");
        Should.Throw<OutputFormatException>(() => SerializedCertificateBlob.ExtractCertificate([], "x")).Message.ShouldContain("no certificate");
    }

    [Fact]
    public void ExtractCertificate_StoredHashDisagrees_IsAnError()
    {
        var blob = SerializedCertificateBlob.Create(NewCertificateDer());
        blob[12] ^= 0xFF;

        Should.Throw<OutputFormatException>(() => SerializedCertificateBlob.ExtractCertificate(blob, "x")).Message.ShouldContain("does not hash");
    }

    [Fact]
    public void ExtractCertificate_TwoCertificates_IsAnError()
    {
        var one = SerializedCertificateBlob.Create(NewCertificateDer());
        var certificateOnly = one.AsSpan(12 + 20).ToArray();

        Should.Throw<OutputFormatException>(() => SerializedCertificateBlob.ExtractCertificate([.. certificateOnly, .. certificateOnly], "x")).Message.ShouldContain("two certificates");
    }

    private static byte[] NewCertificateDer()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=Corp Root CA", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return certificate.RawData;
    }
}
