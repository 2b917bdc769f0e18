using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace VpnPortal.Web.Features.Account.Oidc;

/// <summary>
/// The provider's discovery document and signing keys for the OpenID Connect handler: IdentityModel's
/// <see cref="ConfigurationManager{T}"/>, whose cache (12 hours) is replaced by a fresh fetch when a token names a key
/// the portal does not know (the provider rolled its keys over). IdentityModel refreshes on request in the background,
/// so the token that asked would still be checked against the old keys; here the refresh happens before the token is
/// checked again. At most one refresh per <c>KeyRefreshMinimumInterval</c>, so forged tokens with made-up key ids
/// cannot make the portal hammer the provider.
/// </summary>
public sealed class ProviderConfiguration : BaseConfigurationManager, IConfigurationManager<OpenIdConnectConfiguration>
{
    private readonly Func<ConfigurationManager<OpenIdConnectConfiguration>> _create;
    private readonly TimeSpan _minimumInterval;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private ConfigurationManager<OpenIdConnectConfiguration> _current;
    private OpenIdConnectConfiguration? _lastGood;
    private DateTimeOffset? _refreshedAt;

    /// <param name="metadataAddress">The provider's discovery document.</param>
    /// <param name="retriever">Reads the document and the key set.</param>
    /// <param name="minimumInterval">The least time between two refreshes on request.</param>
    /// <param name="time">The real clock in the portal: the interval is about load on the provider, not the portal's business time.</param>
    public ProviderConfiguration(string metadataAddress, IDocumentRetriever retriever, TimeSpan minimumInterval, TimeProvider time)
    {
        MetadataAddress = metadataAddress;
        _minimumInterval = minimumInterval;
        _time = time;
        _create = () => new ConfigurationManager<OpenIdConnectConfiguration>(metadataAddress, new OpenIdConnectConfigurationRetriever(), retriever)
        {
            RefreshInterval = minimumInterval,
        };
        _current = _create();
        // The handler's token validation keeps no "last known good" of its own: the keys are the provider's word.
        UseLastKnownGoodConfiguration = false;
    }

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        ConfigurationManager<OpenIdConnectConfiguration> current;
        lock (_lock)
        {
            current = _current;
        }

        try
        {
            var configuration = await current.GetConfigurationAsync(cancel);
            _lastGood = configuration;
            return configuration;
        }
        catch (InvalidOperationException) when (_lastGood is { } stale && !cancel.IsCancellationRequested)
        {
            // The provider could not be reached for a refresh: the keys it published last are still the best answer.
            return stale;
        }
    }

    public override async Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) => await GetConfigurationAsync(cancel);

    public override void RequestRefresh()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (now - _refreshedAt < _minimumInterval)
            {
                return;
            }

            _refreshedAt = now;
            _current = _create();
        }
    }
}
