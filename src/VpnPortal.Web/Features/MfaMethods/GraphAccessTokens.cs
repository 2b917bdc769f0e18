using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;

namespace VpnPortal.Web.Features.MfaMethods;

/// <summary>An app-only token for Microsoft Graph.</summary>
public interface IGraphAccessTokens
{
    Task<string> GetAsync(CancellationToken cancellationToken);
}

/// <summary>
/// App-only tokens from Microsoft Entra ID with MSAL (client credentials). MSAL caches the token and renews it before it
/// expires. Its HTTP goes through the "graph" named client, so the portal's HTTP settings (and tests) apply to it.
/// </summary>
public sealed class MsalGraphAccessTokens : IGraphAccessTokens
{
    private readonly IConfidentialClientApplication _app;
    private readonly string[] _scopes;

    public MsalGraphAccessTokens(IOptions<MfaOptions> options, IHttpClientFactory httpClients)
    {
        var entra = options.Value.Entra;
        _app = ConfidentialClientApplicationBuilder.Create(entra.ClientId)
            .WithClientSecret(entra.ClientSecret)
            .WithAuthority($"{entra.Instance.TrimEnd('/')}/{entra.TenantId}", validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new NamedClientFactory(httpClients))
            .Build();
        _scopes = [$"{entra.GraphBaseUrl.TrimEnd('/')}/.default"];
    }

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await _app.AcquireTokenForClient(_scopes).ExecuteAsync(cancellationToken);
            return result.AccessToken;
        }
        catch (MsalServiceException e)
        {
            // The error code and Entra's message name the cause (a wrong secret, a missing consent); the secret never appears in them.
            throw new MfaProviderException(
                "The sign-in methods service is not available right now. Try again later, or ask the helpdesk.",
                $"Microsoft Entra ID refused the portal's token request: {e.ErrorCode} (HTTP {e.StatusCode}): {e.Message}",
                transient: e.StatusCode is 429 or >= 500,
                e);
        }
        catch (MsalClientException e)
        {
            throw new MfaProviderException(
                "The sign-in methods service is not available right now. Try again later, or ask the helpdesk.",
                $"The portal could not get a token from Microsoft Entra ID: {e.ErrorCode}: {e.Message}",
                transient: true,
                e);
        }
    }

    private sealed class NamedClientFactory(IHttpClientFactory httpClients) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => httpClients.CreateClient(GraphMfaMethodProvider.HttpClientName);
    }
}
