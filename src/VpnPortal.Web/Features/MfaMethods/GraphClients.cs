using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Authentication;
using Microsoft.Identity.Client;

namespace VpnPortal.Web.Features.MfaMethods;

/// <summary>
/// Microsoft Graph for the portal's app registration: the Graph SDK's client on the "graph" named client (whose resilience
/// pipeline, <see cref="GraphResilience"/>, is the only retry layer), with app-only tokens from Azure.Identity
/// (client credentials, with a certificate or a secret). The credential caches the token and renews it before it expires;
/// its HTTP goes through the same named client, so the portal's HTTP settings (and tests) apply to it.
/// </summary>
public sealed class GraphClients : IDisposable
{
    private readonly IHttpClientFactory _httpClients;
    private readonly X509Certificate2? _certificate;
    private readonly string _graphBaseUrl;

    // Adds the app-only token to each request for Graph's host, the SDK's own and the ones written by hand alike.
    private readonly AzureIdentityAuthenticationProvider _authentication;

    public GraphClients(IOptions<MfaOptions> options, IHttpClientFactory httpClients)
    {
        var entra = options.Value.Entra;
        _httpClients = httpClients;
        _graphBaseUrl = entra.GraphBaseUrl.TrimEnd('/');
        _certificate = entra.LoadClientCertificate();
        _authentication = new AzureIdentityAuthenticationProvider(
            Credential(entra, _certificate, httpClients.CreateClient(GraphMfaMethodProvider.HttpClientName)),
            allowedHosts: [new Uri(_graphBaseUrl).Host],
            observabilityOptions: null,
            isCaeEnabled: false,
            scopes: [$"{_graphBaseUrl}/.default"]);
    }

    /// <summary>The Graph SDK's client for Graph v1.0; it holds nothing worth keeping between calls.</summary>
    public GraphServiceClient V1() =>
        new(_httpClients.CreateClient(GraphMfaMethodProvider.HttpClientName), _authentication, $"{_graphBaseUrl}/v1.0");

    /// <summary>The address of Graph's beta version, for what v1.0 does not have yet.</summary>
    public string BetaUrl => $"{_graphBaseUrl}/beta";

    /// <summary>A token request that failed, in plain words for the user and Entra's own words for admins.</summary>
    public static MfaProviderException TokenFailure(AuthenticationFailedException e) => e.InnerException switch
    {
        // The error code and Entra's message name the cause (a wrong secret or certificate, a missing consent); no secret appears in them.
        MsalServiceException refused => new MfaProviderException(
            "The sign-in methods service is not available right now. Try again later, or ask the helpdesk.",
            $"Microsoft Entra ID refused the portal's token request: {refused.ErrorCode} (HTTP {refused.StatusCode}): {refused.Message}",
            transient: refused.StatusCode is 429 or >= 500,
            e),
        _ => new MfaProviderException(
            "The sign-in methods service is not available right now. Try again later, or ask the helpdesk.",
            $"The portal could not get a token from Microsoft Entra ID: {e.Message}",
            transient: true,
            e),
    };

    public void Dispose() => _certificate?.Dispose();

    private static TokenCredential Credential(EntraOptions entra, X509Certificate2? certificate, HttpClient httpClient)
    {
        if (certificate is not null)
        {
            return new ClientCertificateCredential(entra.TenantId, entra.ClientId, certificate, Configure(new ClientCertificateCredentialOptions { DisableInstanceDiscovery = true }));
        }

        return new ClientSecretCredential(entra.TenantId, entra.ClientId, entra.ClientSecret, Configure(new ClientSecretCredentialOptions { DisableInstanceDiscovery = true }));

        // The authority is the configured instance as it is (instance discovery is off above: no look-up of Entra's metadata
        // first). The "graph" client retries, a token request only when Entra says it did not process it; Azure.Core does not as well.
        T Configure<T>(T options)
            where T : TokenCredentialOptions
        {
            options.AuthorityHost = new Uri(entra.Instance);
            options.Transport = new HttpClientTransport(httpClient);
            options.Retry.MaxRetries = 0;
            return options;
        }
    }
}
