using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Protocols;
using Shouldly;
using VpnPortal.Web.Features.Account.Oidc;
using Xunit;

namespace VpnPortal.Web.Tests.Account;

/// <summary>
/// The provider's keys as the sign-in handler sees them: a refresh asked for by a token with an unknown key fetches the
/// keys before the token is checked again, at most once per interval, and an unreachable provider keeps the last keys.
/// </summary>
public sealed class ProviderConfigurationTests
{
    private const string Address = "https://idp.example/.well-known/openid-configuration";
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RequestRefresh_FetchesTheRolledOverKeysBeforeTheNextRead()
    {
        var provider = new FakeProvider("key-1");
        var configuration = new ProviderConfiguration(Address, provider, Interval, new FakeTimeProvider());
        (await KeyIdsAsync(configuration)).ShouldBe(["key-1"]);

        provider.KeyId = "key-2";
        (await KeyIdsAsync(configuration)).ShouldBe(["key-1"], "without a refresh the cached keys are used");
        configuration.RequestRefresh();

        (await KeyIdsAsync(configuration)).ShouldBe(["key-2"]);
        provider.Fetches.ShouldBe(4, "the discovery document and the keys, twice");
    }

    [Fact]
    public async Task RequestRefresh_AgainWithinTheInterval_FetchesNothing()
    {
        var provider = new FakeProvider("key-1");
        var time = new FakeTimeProvider();
        var configuration = new ProviderConfiguration(Address, provider, Interval, time);
        await KeyIdsAsync(configuration);
        configuration.RequestRefresh();
        await KeyIdsAsync(configuration);
        provider.Fetches.ShouldBe(4);

        // Forged tokens with made-up key ids, one after another.
        for (var i = 0; i < 10; i++)
        {
            configuration.RequestRefresh();
            await KeyIdsAsync(configuration);
        }

        provider.Fetches.ShouldBe(4, "at most one refresh per interval");

        time.Advance(Interval);
        provider.KeyId = "key-3";
        configuration.RequestRefresh();
        (await KeyIdsAsync(configuration)).ShouldBe(["key-3"]);
        provider.Fetches.ShouldBe(6);
    }

    [Fact]
    public async Task Refresh_WhenTheProviderCannotBeReached_KeepsTheLastKeys()
    {
        var provider = new FakeProvider("key-1");
        var configuration = new ProviderConfiguration(Address, provider, Interval, new FakeTimeProvider());
        await KeyIdsAsync(configuration);

        provider.Down = true;
        configuration.RequestRefresh();

        (await KeyIdsAsync(configuration)).ShouldBe(["key-1"]);
    }

    [Fact]
    public async Task FirstRead_WhenTheProviderCannotBeReached_Fails()
    {
        var configuration = new ProviderConfiguration(Address, new FakeProvider("key-1") { Down = true }, Interval, new FakeTimeProvider());

        await Should.ThrowAsync<InvalidOperationException>(() => configuration.GetConfigurationAsync(Ct));
    }

    private static async Task<List<string>> KeyIdsAsync(ProviderConfiguration configuration) =>
        (await configuration.GetConfigurationAsync(Ct)).SigningKeys.Select(k => k.KeyId).ToList();

    /// <summary>A provider's discovery document and key set, served from memory.</summary>
    private sealed class FakeProvider(string keyId) : IDocumentRetriever
    {
        private readonly RSAParameters _key = RSA.Create(2048).ExportParameters(false);

        public string KeyId { get; set; } = keyId;

        public bool Down { get; set; }

        public int Fetches { get; private set; }

        public Task<string> GetDocumentAsync(string address, CancellationToken cancel)
        {
            if (Down)
            {
                throw new IOException("connection refused");
            }

            Fetches++;
            return Task.FromResult(address == Address
                ? """{"issuer":"https://idp.example","jwks_uri":"https://idp.example/jwks","authorization_endpoint":"https://idp.example/auth","token_endpoint":"https://idp.example/token"}"""
                : $$"""{"keys":[{"kty":"RSA","use":"sig","kid":"{{KeyId}}","n":"{{WebEncoders.Base64UrlEncode(_key.Modulus!)}}","e":"{{WebEncoders.Base64UrlEncode(_key.Exponent!)}}"}]}""");
        }
    }
}
