using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Shouldly;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Cli;

public sealed class InspectCertVerbTests : IDisposable
{
    private const string Password = "S3cret-pfx-passw0rd!";
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static X509Certificate2 ServerCertificate(DateTimeOffset? notAfter = null, params string[] ekus)
    {
        using var key = TestKeys.Rsa2048();
        var request = new CertificateRequest("CN=vpn.corp.example, O=Corp", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("vpn.corp.example");
        request.CertificateExtensions.Add(san.Build());
        var usages = new OidCollection();
        foreach (var eku in ekus.Length == 0 ? ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.8.2.2"] : ekus)
        {
            usages.Add(new Oid(eku));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://pki.corp.example/crl/issuing.crl"]));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), notAfter ?? DateTimeOffset.UtcNow.AddDays(365));
    }

    private static JsonElement Json(CliRun run)
    {
        run.ExitCode.ShouldBe(0, run.Error);
        return JsonDocument.Parse(run.Output).RootElement;
    }

    [Fact]
    public async Task InspectCert_PfxWithPassword_ReportsTheCertificateWithItsKeyAndFitness()
    {
        using var certificate = ServerCertificate();
        var path = folder.File("vpn.pfx");
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, Password), TestContext.Current.CancellationToken);

        var run = await CliRun.Of("inspect-cert", path, "--password", Password);

        var json = Json(run);
        json.GetProperty("format").GetString().ShouldBe("PFX");
        json.GetProperty("sha1Thumbprint").GetString().ShouldBe(certificate.Thumbprint);
        json.GetProperty("sha256Thumbprint").GetString().ShouldBe(Convert.ToHexString(SHA256.HashData(certificate.RawData)));
        json.GetProperty("subject").GetString().ShouldBe("CN=vpn.corp.example, O=Corp");
        json.GetProperty("subjectAlternativeNames")[0].GetString().ShouldBe("DNS:vpn.corp.example");
        json.GetProperty("serialNumber").GetString().ShouldBe(certificate.SerialNumber);
        json.GetProperty("hasPrivateKey").GetBoolean().ShouldBeTrue();
        json.GetProperty("keyAlgorithm").GetString().ShouldBe("RSA");
        json.GetProperty("keySize").GetInt32().ShouldBe(2048);
        json.GetProperty("enhancedKeyUsages").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ShouldBe(["Server Authentication", "IP security IKE intermediate"]);
        json.GetProperty("crlDistributionPoints")[0].GetString().ShouldBe("http://pki.corp.example/crl/issuing.crl");
        var fitness = json.GetProperty("fitness");
        fitness.GetProperty("sstp").GetProperty("fit").GetBoolean().ShouldBeTrue();
        fitness.GetProperty("sstp").GetProperty("reasons").GetArrayLength().ShouldBe(0);
        fitness.GetProperty("ikev2").GetProperty("fit").GetBoolean().ShouldBeTrue();
        fitness.GetProperty("clientAuth").GetProperty("fit").GetBoolean().ShouldBeFalse();
        fitness.GetProperty("clientAuth").GetProperty("reasons")[0].GetString()!.ShouldContain("Client Authentication");
        run.Output.ShouldNotContain(Password);
    }

    [Fact]
    public async Task InspectCert_MalformedSubjectAlternativeName_ReportsTheCertificateAndNamesWhatCannotBeRead()
    {
        using var certificate = MalformedCertificates.WithBrokenSubjectAlternativeName("CN=vpn.corp.example, O=Corp");
        var path = folder.File("vpn.cer");
        await File.WriteAllBytesAsync(path, certificate.RawData, TestContext.Current.CancellationToken);

        var run = await CliRun.Of("inspect-cert", path);

        var json = Json(run);
        json.GetProperty("readProblems").EnumerateArray().Select(p => p.GetString()).ShouldHaveSingleItem()!.ShouldStartWith("subject alternative names unreadable: ");
        json.GetProperty("subjectAlternativeNames").GetArrayLength().ShouldBe(0);
        json.GetProperty("sha1Thumbprint").GetString().ShouldBe(certificate.Thumbprint);
        json.GetProperty("subject").GetString().ShouldBe("CN=vpn.corp.example, O=Corp");
        json.GetProperty("enhancedKeyUsages")[0].GetProperty("name").GetString().ShouldBe("Server Authentication");
        json.GetProperty("crlDistributionPoints")[0].GetString().ShouldBe("http://pki.corp.example/crl/issuing.crl");
        json.GetProperty("fitness").GetProperty("sstp").GetProperty("reasons").EnumerateArray().Select(r => r.GetString())
            .ShouldContain(r => r!.StartsWith("part of it cannot be read (subject alternative names unreadable: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InspectCert_PfxWithWrongPassword_ExitsOneWithoutPrintingThePassword()
    {
        using var certificate = ServerCertificate();
        var path = folder.File("vpn.pfx");
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, Password), TestContext.Current.CancellationToken);

        var run = await CliRun.Of("inspect-cert", path, "--password", "not-the-password");

        run.ExitCode.ShouldBe(1);
        run.Output.ShouldBeEmpty();
        run.Error.Trim().ShouldBe("The password is wrong or the file is not a PFX.");
        run.Error.ShouldNotContain("not-the-password");
    }

    [Fact]
    public async Task InspectCert_DerCer_SaysThereIsNoPrivateKeyForSstp()
    {
        using var certificate = ServerCertificate();
        var path = folder.File("vpn.cer");
        await File.WriteAllBytesAsync(path, certificate.RawData, TestContext.Current.CancellationToken);

        var json = Json(await CliRun.Of("inspect-cert", path));

        json.GetProperty("format").GetString().ShouldBe("DER");
        json.GetProperty("hasPrivateKey").GetBoolean().ShouldBeFalse();
        var sstp = json.GetProperty("fitness").GetProperty("sstp");
        sstp.GetProperty("fit").GetBoolean().ShouldBeFalse();
        sstp.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldContain(r => r!.Contains("no private key"));
    }

    [Fact]
    public async Task InspectCert_PemCertificate_ReadsItWithoutKey()
    {
        using var certificate = ServerCertificate();
        var path = folder.File("vpn.pem");
        await File.WriteAllTextAsync(path, certificate.ExportCertificatePem(), TestContext.Current.CancellationToken);

        var json = Json(await CliRun.Of("inspect-cert", path));

        json.GetProperty("format").GetString().ShouldBe("PEM");
        json.GetProperty("sha1Thumbprint").GetString().ShouldBe(certificate.Thumbprint);
        json.GetProperty("hasPrivateKey").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task InspectCert_PemWithKey_ReadsTheKeyToo()
    {
        using var certificate = ServerCertificate();
        var path = folder.File("vpn-with-key.pem");
        var keyPem = certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem();
        await File.WriteAllTextAsync(path, certificate.ExportCertificatePem() + "\n" + keyPem, TestContext.Current.CancellationToken);

        var json = Json(await CliRun.Of("inspect-cert", path));

        json.GetProperty("hasPrivateKey").GetBoolean().ShouldBeTrue();
        json.GetProperty("fitness").GetProperty("sstp").GetProperty("fit").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task InspectCert_ExpiredClientCertificate_IsNotFitAndSaysExpired()
    {
        using var certificate = ServerCertificate(DateTimeOffset.UtcNow.AddDays(-1), "1.3.6.1.5.5.7.3.2");
        var path = folder.File("old.cer");
        await File.WriteAllBytesAsync(path, certificate.RawData, TestContext.Current.CancellationToken);

        var json = Json(await CliRun.Of("inspect-cert", path));

        var clientAuth = json.GetProperty("fitness").GetProperty("clientAuth");
        clientAuth.GetProperty("fit").GetBoolean().ShouldBeFalse();
        clientAuth.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldContain(r => r!.StartsWith("it expired on"));
    }

    [Fact]
    public async Task InspectCert_CorruptFile_ExitsOneWithAClearError()
    {
        var path = folder.File("garbage.cer");
        await File.WriteAllBytesAsync(path, RandomNumberGenerator.GetBytes(600), TestContext.Current.CancellationToken);

        var run = await CliRun.Of("inspect-cert", path);

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("is not a certificate in PEM, DER (.cer) or PFX form");
    }

    [Fact]
    public async Task InspectCert_DamagedDer_ExitsOne()
    {
        using var certificate = ServerCertificate();
        var path = folder.File("cut.cer");
        await File.WriteAllBytesAsync(path, certificate.RawData[..(certificate.RawData.Length / 2)], TestContext.Current.CancellationToken);

        var run = await CliRun.Of("inspect-cert", path);

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task InspectCert_FileOverOneMegabyte_IsRefusedUnread()
    {
        var path = folder.File("huge.pfx");
        await File.WriteAllBytesAsync(path, new byte[1024 * 1024 + 1], TestContext.Current.CancellationToken);

        var run = await CliRun.Of("inspect-cert", path);

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("over 1024 KB are refused");
    }

    [Fact]
    public async Task InspectCert_MissingFile_ExitsOne()
    {
        var run = await CliRun.Of("inspect-cert", folder.File("nope.cer"));

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("does not exist");
    }

    [Fact]
    public async Task InspectCert_NoFile_IsAUsageError()
    {
        var run = await CliRun.Of("inspect-cert", "--password", "x");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("FILE is required.");
        run.Error.ShouldContain("Usage: VpnPortal.Agent inspect-cert");
    }
}
