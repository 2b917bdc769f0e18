using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography.X509Certificates;
using Shouldly;
using VpnPortal.Web.Features.MfaMethods;
using Xunit;

namespace VpnPortal.Web.Tests.MfaMethods;

/// <summary>The Entra settings a portal refuses to start with, each with the sentence that names it.</summary>
public sealed class MfaOptionsTests
{
    [Theory]
    [InlineData("00:00:00.500", "00:00:20", "Mfa:Entra:RequestTimeout must be between")]
    [InlineData("00:03:00", "00:04:00", "Mfa:Entra:RequestTimeout must be between")]
    [InlineData("00:00:10", "00:00:05", "Mfa:Entra:CallTimeout must be at least")]
    [InlineData("00:00:10", "00:10:00", "Mfa:Entra:CallTimeout must be at least")]
    public void TimeoutsOutOfRange_AreRefusedWithTheSettingNamed(string request, string call, string message)
    {
        var problems = Problems(o =>
        {
            o.Entra.RequestTimeout = TimeSpan.Parse(request, System.Globalization.CultureInfo.InvariantCulture);
            o.Entra.CallTimeout = TimeSpan.Parse(call, System.Globalization.CultureInfo.InvariantCulture);
        });

        problems.ShouldHaveSingleItem().ShouldStartWith(message);
    }

    [Fact]
    public void TheDefaults_AreAccepted() => Problems(_ => { }).ShouldBeEmpty();

    [Fact]
    public void NoCredential_IsRefused_NamingEachKind() =>
        Problems(o => o.Entra.ClientSecret = "").ShouldHaveSingleItem()
            .ShouldStartWith("Mfa:Entra needs a credential when Mfa:Provider is Entra: Mfa:Entra:ClientCertificatePath (a PFX file), Mfa:Entra:ClientCertificateThumbprint");

    [Fact]
    public void TwoCredentials_AreRefused_NamingBoth()
    {
        using var files = new ClientCertificateFiles();
        var pfx = files.WritePfx(files.Create(), null);

        Problems(o => o.Entra.ClientCertificatePath = pfx).ShouldHaveSingleItem()
            .ShouldBe("Mfa:Entra takes one credential, but Mfa:Entra:ClientSecret and Mfa:Entra:ClientCertificatePath are both set: keep only one.");
    }

    [Fact]
    public void APfxFileThatIsReadable_WithItsPassword_IsAccepted()
    {
        using var files = new ClientCertificateFiles();
        var pfx = files.WritePfx(files.Create(), "Tr0ub4dor-right");

        Problems(o => (o.Entra.ClientSecret, o.Entra.ClientCertificatePath, o.Entra.ClientCertificatePassword) = ("", pfx, "Tr0ub4dor-right")).ShouldBeEmpty();
    }

    [Fact]
    public void AMissingPfxFile_IsRefused_NamingTheSettingAndThePath()
    {
        using var files = new ClientCertificateFiles();

        Problems(o => (o.Entra.ClientSecret, o.Entra.ClientCertificatePath) = ("", files.MissingPath)).ShouldHaveSingleItem()
            .ShouldBe($"Mfa:Entra:ClientCertificatePath: there is no file {files.MissingPath}.");
    }

    [Fact]
    public void AWrongPfxPassword_IsRefused_NamingTheSettings_AndNeverThePassword()
    {
        using var files = new ClientCertificateFiles();
        var pfx = files.WritePfx(files.Create(), "Tr0ub4dor-right");

        var problem = Problems(o => (o.Entra.ClientSecret, o.Entra.ClientCertificatePath, o.Entra.ClientCertificatePassword) = ("", pfx, "Tr0ub4dor-typo"))
            .ShouldHaveSingleItem();

        problem.ShouldStartWith($"Mfa:Entra:ClientCertificatePath: {pfx} could not be opened as a PFX file with the password in Mfa:Entra:ClientCertificatePassword");
        problem.ShouldNotContain("Tr0ub4dor-typo");
        problem.ShouldNotContain("Tr0ub4dor-right");
    }

    [Fact]
    public void AFileThatIsNotAPfx_IsRefused_NamingTheSetting()
    {
        using var files = new ClientCertificateFiles();
        var pem = Path.ChangeExtension(files.MissingPath, ".pem");
        File.WriteAllText(pem, files.Create().ExportCertificatePem());

        Problems(o => (o.Entra.ClientSecret, o.Entra.ClientCertificatePath) = ("", pem)).ShouldHaveSingleItem()
            .ShouldStartWith($"Mfa:Entra:ClientCertificatePath: {pem} could not be opened as a PFX file with no password");
    }

    [Fact]
    public void ACertificateWithoutItsPrivateKey_IsRefused_SayingWhatToExport()
    {
        using var files = new ClientCertificateFiles();
        var certificate = files.Create();
        var pfx = files.WritePfxWithoutKey(certificate);

        Problems(o => (o.Entra.ClientSecret, o.Entra.ClientCertificatePath) = ("", pfx)).ShouldHaveSingleItem()
            .ShouldBe($"Mfa:Entra:ClientCertificatePath ({pfx}): the certificate has no private key. Use the PFX file exported with its private key.");
    }

    [Fact]
    public void AThumbprintNotInTheStore_IsRefused_NamingTheSettingAndWhereItWasLooked()
    {
        using var files = new ClientCertificateFiles();
        var thumbprint = files.Create().Thumbprint;

        Problems(o => (o.Entra.ClientSecret, o.Entra.ClientCertificateThumbprint) = ("", thumbprint)).ShouldHaveSingleItem()
            .ShouldStartWith($"Mfa:Entra:ClientCertificateThumbprint: no certificate with thumbprint {thumbprint} in ");
    }

    [Fact]
    public void AThumbprintInTheCurrentUsersStore_IsFoundWithItsPrivateKey()
    {
        using var files = new ClientCertificateFiles();
        using var certificate = X509CertificateLoader.LoadPkcs12(files.Create().Export(X509ContentType.Pfx), null, X509KeyStorageFlags.PersistKeySet | X509KeyStorageFlags.Exportable);
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(certificate);
        try
        {
            var options = new EntraOptions { ClientCertificateThumbprint = certificate.Thumbprint.ToLowerInvariant() };
            using var loaded = options.LoadClientCertificate().ShouldNotBeNull();

            loaded.Thumbprint.ShouldBe(certificate.Thumbprint);
            loaded.HasPrivateKey.ShouldBeTrue();
        }
        finally
        {
            store.Remove(certificate);
        }
    }

    private static List<string> Problems(Action<MfaOptions> change)
    {
        var options = new MfaOptions { Provider = "Entra" };
        options.Entra.TenantId = "contoso.onmicrosoft.com";
        options.Entra.ClientId = "client";
        options.Entra.ClientSecret = "secret";
        change(options);
        return options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage ?? "").ToList();
    }
}
