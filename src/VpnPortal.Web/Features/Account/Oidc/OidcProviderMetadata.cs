using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace VpnPortal.Web.Features.Account.Oidc;

/// <summary>
/// The provider's discovery document and signing keys, cached and refreshed by IdentityModel's ConfigurationManager
/// (every 12 hours, and on request when a token names a key the portal does not know: key rollover).
/// </summary>
public sealed class OidcProviderMetadata
{
    public const string HttpClientName = "oidc-metadata";

    private readonly Lazy<ConfigurationManager<OpenIdConnectConfiguration>> _manager;

    static OidcProviderMetadata()
    {
        // IdentityModel 8 refreshes in a background task by default, so the call after RequestRefresh still returns
        // the stale keys. Blocking refreshes make "unknown key -> fetch the keys -> validate again" one step.
        AppContext.SetSwitch("Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking", true);
    }

    public OidcProviderMetadata(IOptions<OidcOptions> options, IHttpClientFactory http)
    {
        _manager = new Lazy<ConfigurationManager<OpenIdConnectConfiguration>>(() =>
        {
            var o = options.Value;
            var address = $"{o.Authority!.TrimEnd('/')}/.well-known/openid-configuration";
            var retriever = new HttpDocumentRetriever(http.CreateClient(HttpClientName)) { RequireHttps = o.RequireHttpsMetadata };
            return new ConfigurationManager<OpenIdConnectConfiguration>(address, new OpenIdConnectConfigurationRetriever(), retriever)
            {
                RefreshInterval = o.KeyRefreshMinimumInterval,
            };
        });
    }

    public Task<OpenIdConnectConfiguration> GetAsync(CancellationToken ct) => _manager.Value.GetConfigurationAsync(ct);

    /// <summary>Asks for fresh metadata on the next <see cref="GetAsync"/>, at most once per KeyRefreshMinimumInterval.</summary>
    public void RequestRefresh() => _manager.Value.RequestRefresh();
}
