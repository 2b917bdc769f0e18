using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Web.Features.Account.Oidc;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Web.Tests.Account;

/// <summary>Settings for signing in with Microsoft Entra ID: the directory, and the app registration's certificate or secret.</summary>
public sealed class EntraSettingsTests : IDisposable
{
    private const string Tenant = "3f1c7a52-8d4e-4b7a-9e0f-2a6b5c4d3e21";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("vpnportal-settings-");

    [Fact]
    public void AnEntraAuthority_IsSignedInToAsEntra_WithItsTenantAndCloud()
    {
        var o = new OidcOptions { Authority = $"https://login.microsoftonline.us/{Tenant}/v2.0" };

        o.UsesEntra.ShouldBeTrue();
        o.EntraDirectory.ShouldBe(("https://login.microsoftonline.us/", Tenant));
        o.EffectiveAuthority.ShouldBe($"https://login.microsoftonline.us/{Tenant}/v2.0");
        new OidcOptions { Authority = $"https://login.microsoftonline.com/{Tenant}" }.EffectiveAuthority
            .ShouldBe($"https://login.microsoftonline.com/{Tenant}/v2.0", "Identity.Web signs in at the v2.0 endpoint, whose tokens name the v2.0 issuer");
        new OidcOptions { Authority = "https://idp.corp.example/realms/corp" }.UsesEntra.ShouldBeFalse();
    }

    [Fact]
    public void ATenant_MakesTheIssuerTheTenantsV20Issuer()
    {
        var o = Valid();

        o.EffectiveAuthority.ShouldBe($"https://login.microsoftonline.com/{Tenant}/v2.0");
        Validate(o).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("contoso.onmicrosoft.com")]
    [InlineData("common")]
    [InlineData("organizations")]
    public void ATenantThatIsNotOneDirectoryId_IsRefused(string tenant)
    {
        var o = Valid();
        o.Entra.TenantId = tenant;

        Validate(o).FailureMessage.ShouldNotBeNull().ShouldContain("Entra:TenantId must be your directory (tenant) ID, a GUID");
    }

    [Fact]
    public void AnAuthorityNamingAnotherIssuerThanTheTenant_IsRefused()
    {
        var o = Valid();
        o.Authority = "https://idp.corp.example";

        Validate(o).FailureMessage.ShouldNotBeNull().ShouldContain("name different issuers");
    }

    [Fact]
    public void ASecretAndACertificate_AreRefused()
    {
        var o = Valid();
        o.ClientSecret = "secret";

        Validate(o).FailureMessage.ShouldNotBeNull().ShouldContain("set one of ClientSecret, ClientCertificatePath and ClientCertificateThumbprint");
    }

    [Fact]
    public void NoCredential_IsRefusedNamingTheChoices()
    {
        var o = Valid();
        o.ClientCertificatePath = null;

        Validate(o).FailureMessage.ShouldNotBeNull().ShouldContain("ClientCertificatePath (a PFX file) or ClientCertificateThumbprint");
    }

    [Fact]
    public void ACertificateForAnotherProvider_IsRefused()
    {
        var o = Valid();
        o.Entra.TenantId = null;
        o.Authority = "https://idp.corp.example";

        Validate(o).FailureMessage.ShouldNotBeNull().ShouldContain("are for Microsoft Entra ID");
    }

    [Fact]
    public void AMissingCertificateFile_IsRefused()
    {
        var o = Valid();
        o.ClientCertificatePath = Path.Combine(_folder.FullName, "missing.pfx");

        Validate(o).FailureMessage.ShouldNotBeNull().ShouldContain("there is no file");
    }

    [Fact]
    public void AWrongPassword_IsRefusedWithoutSayingThePassword()
    {
        var o = Valid();
        o.ClientCertificatePassword = "not-the-password";

        var message = Validate(o).FailureMessage.ShouldNotBeNull();
        message.ShouldContain("could not be opened as a PFX file with the password in Authentication:Oidc:ClientCertificatePassword");
        message.ShouldNotContain("not-the-password");
    }

    [Fact]
    public void ACertificateWithoutItsPrivateKey_IsRefused()
    {
        using var certificate = OidcTestProvider.NewClientCertificate("CN=No key");
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        var o = WithCertificateFile(publicOnly);

        Validate(o).FailureMessage.ShouldNotBeNull().ShouldContain("has no private key");
    }

    [Fact]
    public void AnEcdsaCertificate_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=Ec", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var o = WithCertificateFile(certificate);

        Validate(o).FailureMessage.ShouldNotBeNull().ShouldContain("not RSA");
    }

    [Fact]
    public void AnExpiredCertificate_IsRefused()
    {
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=Old", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        var o = WithCertificateFile(certificate);

        Validate(o).FailureMessage.ShouldNotBeNull().ShouldContain("expired on");
    }

    [Fact]
    public void AThumbprint_IsFoundInTheCertificateStore()
    {
        using var certificate = OidcTestProvider.NewClientCertificate("CN=VpnPortal store test");
        using var withKey = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx, "pw"), "pw", X509KeyStorageFlags.PersistKeySet | X509KeyStorageFlags.Exportable);
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(withKey);
        try
        {
            var o = Valid();
            o.ClientCertificatePath = null;
            o.ClientCertificateThumbprint = withKey.Thumbprint.ToLowerInvariant();

            Validate(o).Succeeded.ShouldBeTrue();

            o.ClientCertificateThumbprint = new string('A', 40);
            Validate(o).FailureMessage.ShouldNotBeNull().ShouldContain($"no certificate with thumbprint {new string('A', 40)}");
        }
        finally
        {
            store.Remove(withKey);
        }
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private OidcOptions Valid()
    {
        using var certificate = OidcTestProvider.NewClientCertificate("CN=VpnPortal sign-in");
        return new OidcOptions
        {
            Enabled = true,
            Entra = new EntraSignInOptions { TenantId = Tenant },
            ClientId = "client",
            ClientCertificatePath = Write($"{Guid.NewGuid():N}.pfx", certificate.Export(X509ContentType.Pfx, "pw")),
            ClientCertificatePassword = "pw",
            RoleMap = new() { [Roles.Admin] = ["VpnPortal.Admin"] },
        };
    }

    private OidcOptions WithCertificateFile(X509Certificate2 certificate)
    {
        var o = Valid();
        o.ClientCertificatePath = Write($"{Guid.NewGuid():N}.pfx", certificate.Export(X509ContentType.Pfx, "pw"));
        o.ClientCertificatePassword = "pw";
        return o;
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static ValidateOptionsResult Validate(OidcOptions o) =>
        new OidcOptionsValidator(new ConfigurationBuilder().Build(), Options.Create(new LocalSignInOptions())).Validate(null, o);
}
