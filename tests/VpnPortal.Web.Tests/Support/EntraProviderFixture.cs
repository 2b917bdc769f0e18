using System.Security.Cryptography.X509Certificates;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Web.Tests.Support;

/// <summary>
/// A stand-in for Microsoft Entra ID (the OpenID Connect provider in a directory of its own) whose app registration
/// authenticates with a certificate; the certificate is written as a PFX file for the portal's settings.
/// </summary>
public sealed class EntraProviderFixture : IAsyncLifetime
{
    public const string CertificatePassword = "pfx-password";

    private OidcTestProvider? _provider;
    private string? _folder;

    public OidcTestProvider Provider
    {
        get
        {
            OidcTestProvider.SkipUnlessNodeInstalled();
            return _provider ?? throw new InvalidOperationException("The Entra ID stand-in did not start.");
        }
    }

    /// <summary>The app registration's certificate, with its private key, as the portal is given it.</summary>
    public string CertificatePath => Path.Combine(_folder!, "app.pfx");

    /// <summary>Another certificate with a private key, which the app registration does not know.</summary>
    public string StrangerCertificatePath => Path.Combine(_folder!, "stranger.pfx");

    /// <summary>The portal's settings for this directory, with the registered certificate.</summary>
    public Dictionary<string, string> PortalSettings(string displayName = "Contoso") =>
        Provider.EntraPortalSettings(CertificatePath, CertificatePassword, displayName);

    public async ValueTask InitializeAsync()
    {
        _folder = Directory.CreateTempSubdirectory("vpnportal-entra-").FullName;
        using var registered = OidcTestProvider.NewClientCertificate("CN=VpnPortal sign-in");
        using var stranger = OidcTestProvider.NewClientCertificate("CN=Someone else");
        await File.WriteAllBytesAsync(CertificatePath, registered.Export(X509ContentType.Pfx, CertificatePassword));
        await File.WriteAllBytesAsync(StrangerCertificatePath, stranger.Export(X509ContentType.Pfx, CertificatePassword));
        if (OidcTestProvider.NodeInstalled)
        {
            _provider = await OidcTestProvider.StartAsync(
                [OidcProviderFixture.PortalCallback], [OidcProviderFixture.PortalSignedOut], CancellationToken.None, registered);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

}
