using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Shouldly;
using VpnPortal.Domain.Certificates;
using Xunit;

namespace VpnPortal.Domain.Tests.Certificates;

/// <summary>The byte-array loaders behind uploads: the SSTP certificate as a PFX, a device's public certificate to untrust.</summary>
public sealed class CertificateFilesTests
{
    private const string Password = "S3cret-pfx-passw0rd!";
    private const string Name = "upload.bin";

    private static CertificateFileException Refused(Action load) => Should.Throw<CertificateFileException>(load);

    // Bytes that are neither PEM, DER nor PFX; fixed, so the test does not depend on a random first byte.
    private static byte[] NotACertificate()
    {
        var bytes = new byte[600];
        new Random(20261122).NextBytes(bytes);
        bytes[0] = 0x42;
        return bytes;
    }

    [Fact]
    public void Load_PfxWithTheRightPassword_ReturnsTheCertificateWithItsKey()
    {
        using var certificate = TestCertificates.Create();

        var (loaded, format) = CertificateFiles.Load(certificate.Export(X509ContentType.Pfx, Password), Password, Name);

        using (loaded)
        {
            format.ShouldBe("PFX");
            loaded.Thumbprint.ShouldBe(certificate.Thumbprint);
            loaded.HasPrivateKey.ShouldBeTrue();
        }
    }

    [Fact]
    public void Load_PfxWithAChain_ReturnsTheCertificateThatHasTheKey()
    {
        using var issuer = TestCertificates.Create(subject: "CN=Corp Issuing CA", dnsNames: ["ca.corp.example"]);
        using var issuerPublic = X509CertificateLoader.LoadCertificate(issuer.RawData);
        using var server = TestCertificates.Create();
        var chain = new X509Certificate2Collection { issuerPublic, server };

        var (loaded, _) = CertificateFiles.Load(chain.Export(X509ContentType.Pfx, Password)!, Password, Name);

        using (loaded)
        {
            loaded.Thumbprint.ShouldBe(server.Thumbprint);
        }
    }

    [Fact]
    public void Load_PfxWithTheWrongPassword_SaysSoWithoutRepeatingThePassword()
    {
        using var certificate = TestCertificates.Create();

        var error = Refused(() => CertificateFiles.Load(certificate.Export(X509ContentType.Pfx, Password), "not-the-password", Name));

        error.Message.ShouldBe("The password is wrong or the file is not a PFX.");
        error.ToString().ShouldNotContain("not-the-password");
        error.ToString().ShouldNotContain(Password);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void Load_PasswordProtectedPfxWithoutAPassword_AsksForIt(string? password)
    {
        using var certificate = TestCertificates.Create();

        var error = Refused(() => CertificateFiles.Load(certificate.Export(X509ContentType.Pfx, Password), password, Name));

        error.Message.ShouldBe("upload.bin is a PFX protected by a password; enter its password.");
    }

    [Fact]
    public void Load_PfxExportedWithAnEmptyPassword_LoadsWithoutOne()
    {
        using var certificate = TestCertificates.Create();

        var (loaded, _) = CertificateFiles.Load(certificate.Export(X509ContentType.Pfx, ""), null, Name);

        using (loaded)
        {
            loaded.HasPrivateKey.ShouldBeTrue();
        }
    }

    [Fact]
    public void Load_PfxExportedWithoutTheKey_IsRefusedSayingHowToExportTheKey()
    {
        using var certificate = TestCertificates.Create();
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);

        var error = Refused(() => CertificateFiles.Load(publicOnly.Export(X509ContentType.Pfx, Password), Password, Name));

        error.Message.ShouldBe("upload.bin is a PFX without a private key; export the certificate again with \"Yes, export the private key\".");
    }

    [Fact]
    public void Load_PfxCutShort_SaysItIsDamagedNotThatThePasswordIsWrong()
    {
        using var certificate = TestCertificates.Create();
        var pfx = certificate.Export(X509ContentType.Pfx, Password);

        var error = Refused(() => CertificateFiles.Load(pfx[..(pfx.Length / 2)], Password, Name));

        error.Message.ShouldBe($"upload.bin looks like a PFX but is damaged or cut short (it has {pfx.Length / 2} of the {pfx.Length} bytes it announces); export it again.");
    }

    [Theory]
    [InlineData(TestKey.Rsa1024, "RSA", 1024)]
    [InlineData(TestKey.Rsa2048, "RSA", 2048)]
    [InlineData(TestKey.EcdsaP256, "ECDSA", 256)]
    public void Load_DerCertificate_ReturnsItWithoutAKey(TestKey key, string algorithm, int bits)
    {
        using var certificate = TestCertificates.Create(key: key);

        var (loaded, format) = CertificateFiles.Load(certificate.RawData, null, Name);

        using (loaded)
        {
            format.ShouldBe("DER");
            loaded.HasPrivateKey.ShouldBeFalse();
            var facts = CertificateReader.Facts(loaded);
            facts.KeyAlgorithm.ShouldBe(algorithm);
            facts.KeySize.ShouldBe(bits);
        }
    }

    [Fact]
    public void Load_PemCertificateWithItsKey_ReadsTheKey()
    {
        using var certificate = TestCertificates.Create();
        var pem = certificate.ExportCertificatePem() + "\n" + certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem();

        var (loaded, format) = CertificateFiles.Load(Encoding.ASCII.GetBytes(pem), null, Name);

        using (loaded)
        {
            format.ShouldBe("PEM");
            loaded.HasPrivateKey.ShouldBeTrue();
        }
    }

    [Fact]
    public void Load_PemWithOnlyAKey_SaysThereIsNoCertificate()
    {
        using var key = RSA.Create(2048);

        var error = Refused(() => CertificateFiles.Load(Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()), null, Name));

        error.Message.ShouldBe("upload.bin holds only a private key, no certificate; upload the certificate (.cer or PEM), or a PFX holding the certificate with its key.");
    }

    [Fact]
    public void Load_PemCertificateRequest_SaysToSubmitItToTheCa()
    {
        using var key = RSA.Create(2048);
        var csr = new CertificateRequest("CN=vpn.corp.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();

        var error = Refused(() => CertificateFiles.Load(Encoding.ASCII.GetBytes(csr), null, Name));

        error.Message.ShouldStartWith("upload.bin is a certificate request (CSR), not a certificate");
    }

    [Fact]
    public void Load_PemWithADamagedCertificate_SaysItIsDamaged()
    {
        var pem = "-----BEGIN CERTIFICATE-----\nMIIBdamaged\n-----END CERTIFICATE-----\n";

        var error = Refused(() => CertificateFiles.Load(Encoding.ASCII.GetBytes(pem), null, Name));

        error.Message.ShouldStartWith("upload.bin holds a damaged PEM certificate or key");
    }

    [Fact]
    public void Load_DerCutShort_SaysItIsDamagedAndHowMuchIsMissing()
    {
        using var certificate = TestCertificates.Create();
        var der = certificate.RawData;

        var error = Refused(() => CertificateFiles.Load(der[..(der.Length / 2)], null, Name));

        error.Message.ShouldBe($"upload.bin looks like a DER certificate but is damaged or cut short (it has {der.Length / 2} of the {der.Length} bytes it announces); copy or export it again.");
    }

    [Fact]
    public void Load_RandomBytes_SaysItIsNotACertificate()
    {
        Refused(() => CertificateFiles.Load(NotACertificate(), Password, Name)).Message
            .ShouldBe("upload.bin is not a certificate in PEM, DER (.cer) or PFX form.");
    }

    [Fact]
    public void Load_Empty_SaysItIsEmpty()
    {
        Refused(() => CertificateFiles.Load([], null, Name)).Message.ShouldBe("upload.bin is empty.");
    }

    [Fact]
    public void Load_OverTheLimit_IsRefusedForItsSize()
    {
        var error = Refused(() => CertificateFiles.Load(new byte[CertificateFiles.MaxFileBytes + 1], null, Name));

        error.Message.ShouldBe("upload.bin is 1024 KB; certificate files over 1024 KB are refused.");
    }

    [Fact]
    public void Load_AtTheLimit_IsReadRatherThanRefusedForItsSize()
    {
        var error = Refused(() => CertificateFiles.Load(new byte[CertificateFiles.MaxFileBytes], null, Name));

        error.Message.ShouldBe("upload.bin is not a certificate in PEM, DER (.cer) or PFX form.");
    }

    [Fact]
    public void LoadPublicCertificate_Der_ReturnsIt()
    {
        using var certificate = TestCertificates.Create(ekus: [TestCertificates.ClientAuthentication]);

        var (loaded, format) = CertificateFiles.LoadPublicCertificate(certificate.RawData, "laptop.cer");

        using (loaded)
        {
            format.ShouldBe("DER");
            loaded.Thumbprint.ShouldBe(certificate.Thumbprint);
        }
    }

    [Fact]
    public void LoadPublicCertificate_PemWithAKey_ReadsOnlyTheCertificate()
    {
        using var certificate = TestCertificates.Create();
        var pem = certificate.ExportCertificatePem() + "\n" + certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem();

        var (loaded, format) = CertificateFiles.LoadPublicCertificate(Encoding.ASCII.GetBytes(pem), "laptop.pem");

        using (loaded)
        {
            format.ShouldBe("PEM");
            loaded.Thumbprint.ShouldBe(certificate.Thumbprint);
            loaded.HasPrivateKey.ShouldBeFalse();
        }
    }

    [Theory]
    [InlineData(Password)]
    [InlineData("")]
    public void LoadPublicCertificate_Pfx_IsRefusedAskingForTheCer(string exportPassword)
    {
        using var certificate = TestCertificates.Create();

        var error = Refused(() => CertificateFiles.LoadPublicCertificate(certificate.Export(X509ContentType.Pfx, exportPassword), "laptop.pfx"));

        error.Message.ShouldBe("laptop.pfx is a PFX, which holds a private key: only the public certificate is needed; export it as .cer.");
    }

    [Fact]
    public void LoadPublicCertificate_PemWithOnlyAKey_SaysThereIsNoCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var error = Refused(() => CertificateFiles.LoadPublicCertificate(Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()), "laptop.pem"));

        error.Message.ShouldStartWith("laptop.pem holds only a private key, no certificate");
    }

    [Fact]
    public void LoadPublicCertificate_DerCutShort_SaysItIsDamaged()
    {
        using var certificate = TestCertificates.Create();

        var error = Refused(() => CertificateFiles.LoadPublicCertificate(certificate.RawData[..100], "laptop.cer"));

        error.Message.ShouldStartWith("laptop.cer looks like a DER certificate but is damaged or cut short");
    }

    [Fact]
    public void LoadPublicCertificate_RandomBytesEmptyAndOversized_AreRefusedEachWithItsReason()
    {
        Refused(() => CertificateFiles.LoadPublicCertificate(NotACertificate(), "x.cer")).Message.ShouldBe("x.cer is not a certificate in PEM, DER (.cer) or PFX form.");
        Refused(() => CertificateFiles.LoadPublicCertificate([], "x.cer")).Message.ShouldBe("x.cer is empty.");
        Refused(() => CertificateFiles.LoadPublicCertificate(new byte[CertificateFiles.MaxFileBytes + 1], "x.cer")).Message.ShouldContain("are refused");
    }
}
