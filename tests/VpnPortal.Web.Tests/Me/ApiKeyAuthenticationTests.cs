using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Me;
using VpnPortal.Web.Security;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Me;

/// <summary>
/// One portal with a key for each case, arranged once. The tests only call the API (the portal itself writes
/// a key's "last used" time, which no test reads), so they share it.
/// </summary>
public sealed class ApiKeyFixture : IAsyncLifetime
{
    public PortalFactory Portal { get; private set; } = default!;

    public Dictionary<string, string> Keys { get; } = [];

    public PortalBrowser AdminBrowser { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        Portal = await PortalFactory.StartAsync();
        var admin = await Portal.CreateUserAsync(Roles.Admin);
        Keys[Roles.Admin] = await Portal.CreateApiKeyAsync(admin);
        Keys[Roles.OnCall] = await Portal.CreateApiKeyAsync(await Portal.CreateUserAsync(Roles.OnCall));
        Keys[Roles.User] = await Portal.CreateApiKeyAsync(await Portal.CreateUserAsync(Roles.User));

        var revokedOwner = await Portal.CreateUserAsync(Roles.OnCall);
        Keys["revoked"] = await Portal.CreateApiKeyAsync(revokedOwner);
        await Portal.InScopeAsync(async sp =>
        {
            var apiKeys = sp.GetRequiredService<ApiKeys>();
            var key = (await apiKeys.ListAsync(revokedOwner.Id, TestContext.Current.CancellationToken)).ShouldHaveSingleItem();
            (await apiKeys.RevokeAsync(key.Id, revokedOwner.Id, TestContext.Current.CancellationToken)).Error.ShouldBeNull();
        });

        var disabled = await Portal.CreateUserAsync(Roles.Admin);
        Keys["disabled"] = await Portal.CreateApiKeyAsync(disabled);
        await ChangeUserAsync(disabled, u => u.IsDisabled = true);

        var lockedOut = await Portal.CreateUserAsync(Roles.Admin);
        Keys["locked-out"] = await Portal.CreateApiKeyAsync(lockedOut);
        await ChangeUserAsync(lockedOut, u => u.LockoutEnd = DateTimeOffset.UtcNow.AddDays(1));

        AdminBrowser = await Portal.SignInAsync(admin);
    }

    public async ValueTask DisposeAsync()
    {
        AdminBrowser.Dispose();
        await Portal.DisposeAsync();
    }

    private Task ChangeUserAsync(TestUser user, Action<PortalUser> change) => Portal.InScopeAsync(async sp =>
    {
        var users = sp.GetRequiredService<UserManager<PortalUser>>();
        var entity = (await users.FindByIdAsync(user.Id.ToString()))!;
        change(entity);
        (await users.UpdateAsync(entity)).Succeeded.ShouldBeTrue();
    });
}

public sealed class ApiKeyAuthenticationTests(ApiKeyFixture fixture) : IClassFixture<ApiKeyFixture>
{
    private const string ServersApi = "/api/v1/servers";

    [Theory]
    [InlineData(Roles.OnCall)]
    [InlineData(Roles.Admin)]
    public async Task ApiKey_OperatorKey_ListsServers(string role)
    {
        using var api = fixture.Portal.CreateApiClient(fixture.Keys[role]);

        using var response = await api.GetAsync(ServersApi, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.BodyAsync()).ShouldContain("\"items\"");
    }

    [Fact]
    public async Task ApiKey_UserRoleKey_Forbidden()
    {
        using var api = fixture.Portal.CreateApiClient(fixture.Keys[Roles.User]);

        using var response = await api.GetAsync(ServersApi, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "the key is valid, but its user is neither OnCall nor Admin");
    }

    [Theory]
    [InlineData("revoked")]
    [InlineData("disabled")]
    [InlineData("locked-out")]
    public async Task ApiKey_RevokedOrOwnerDisabledOrLockedOut_Unauthorized(string which)
    {
        using var api = fixture.Portal.CreateApiClient(fixture.Keys[which]);

        using var response = await api.GetAsync(ServersApi, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
    }

    [Theory]
    [InlineData("Bearer ")]
    [InlineData("Bearer not-a-key")]
    [InlineData("Bearer vpk_")]
    [InlineData("Bearer vpk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer vpk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer vpk_' OR '1'='1")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    [InlineData("vpk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task ApiKey_MalformedOrUnknownAuthorization_Unauthorized(string authorization)
    {
        using var api = fixture.Portal.CreateApiClient(null);
        api.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization).ShouldBeTrue();

        using var response = await api.GetAsync(ServersApi, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ApiKey_RealKeyWithOneCharacterChangedOrPrefixUpperCased_Unauthorized()
    {
        var key = fixture.Keys[Roles.Admin];
        var last = key[^1] == 'A' ? 'B' : 'A';
        string[] forgeries = [key[..^1] + last, "VPK_" + key[4..], key + "x"];

        foreach (var forged in forgeries)
        {
            using var api = fixture.Portal.CreateApiClient(forged);
            using var response = await api.GetAsync(ServersApi, TestContext.Current.CancellationToken);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, forged);
        }

        using var genuine = fixture.Portal.CreateApiClient(key);
        (await genuine.GetAsync(ServersApi, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK, "the unaltered key is the control");
    }

    [Fact]
    public async Task Api_SignInCookieWithoutKey_Unauthorized()
    {
        // The API has no antiforgery protection because it never accepts the ambient cookie.
        using var response = await fixture.AdminBrowser.GetAsync(ServersApi);
        using var page = await fixture.AdminBrowser.GetAsync("/servers/rras");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        page.StatusCode.ShouldBe(HttpStatusCode.OK, "the same cookie opens the pages (control)");
    }

    [Fact]
    public async Task ApiKey_Stored_OnlyItsHashIsInTheDatabase()
    {
        await using (var db = fixture.Portal.Database.CreateContext())
        {
            var hashes = await db.ApiKeys.Select(k => k.KeyHash).ToListAsync(TestContext.Current.CancellationToken);
            foreach (var key in fixture.Keys.Values)
            {
                hashes.ShouldContain(h => h.SequenceEqual(SHA256.HashData(Encoding.UTF8.GetBytes(key))), "each key is stored as its SHA-256");
            }
        }

        foreach (var (name, key) in fixture.Keys)
        {
            var secret = key[ApiKeySecrets.KeyPrefix.Length..];
            (await DatabaseText.FindAsync(fixture.Portal.Database, secret)).ShouldBeEmpty($"the {name} key's secret part must be in no column of any table");
            // Only a display prefix (vpk_ and 6 characters) is kept, so lists can show which key is which.
            (await DatabaseText.FindAsync(fixture.Portal.Database, key[..12])).ShouldBeEmpty($"no more than the display prefix of the {name} key may be stored");
            (await DatabaseText.FindAsync(fixture.Portal.Database, key[..10])).ShouldContain("ApiKeys.Prefix", "the display prefix is stored (control: the search finds what is there)");
        }

        // And not in the file itself (free pages, journal), where a deleted or rewritten value could linger.
        var file = new SqliteConnectionStringBuilder(fixture.Portal.Database.ConnectionString).DataSource;
        var bytes = await ReadDatabaseFilesAsync(file);
        foreach (var key in fixture.Keys.Values)
        {
            bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(key[ApiKeySecrets.KeyPrefix.Length..])).ShouldBe(-1);
            bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(key[..10])).ShouldBeGreaterThanOrEqualTo(0, "the display prefix is in the file (control)");
        }
    }

    /// <summary>
    /// The database file with its journal and WAL. SQLite deletes the WAL when its last connection closes, which the
    /// portal may do between the listing and the read (seen in CI): then the files are read again, as they are now.
    /// </summary>
    private static async Task<byte[]> ReadDatabaseFilesAsync(string file)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var files = Directory.GetFiles(Path.GetDirectoryName(file)!, Path.GetFileName(file) + "*");
                var parts = new List<byte[]>();
                foreach (var path in files)
                {
                    parts.Add(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
                }

                return parts.SelectMany(p => p).ToArray();
            }
            catch (FileNotFoundException) when (attempt < 5)
            {
                // A file listed a moment ago is gone: list again.
            }
        }
    }
}

/// <summary>A key's life on each database provider (its own portal per case: these tests write).</summary>
public sealed class ApiKeyLifecycleTests
{
    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ApiKey_CreatedThenRevoked_WorksUntilRevoked(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var user = await portal.CreateUserAsync(Roles.OnCall);
        var key = await portal.CreateApiKeyAsync(user, "monitoring");
        using var api = portal.CreateApiClient(key);

        var before = await api.GetAsync("/api/v1/servers", TestContext.Current.CancellationToken);
        var revoked = await portal.InScopeAsync(async sp =>
        {
            var apiKeys = sp.GetRequiredService<ApiKeys>();
            var row = (await apiKeys.ListAsync(user.Id, TestContext.Current.CancellationToken)).ShouldHaveSingleItem();
            return await apiKeys.RevokeAsync(row.Id, user.Id, TestContext.Current.CancellationToken);
        });
        var after = await api.GetAsync("/api/v1/servers", TestContext.Current.CancellationToken);

        before.StatusCode.ShouldBe(HttpStatusCode.OK);
        revoked.Error.ShouldBeNull();
        after.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ApiKey_OwnerDisabledAfterCreation_Unauthorized(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var user = await portal.CreateUserAsync(Roles.Admin);
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(user));
        (await api.GetAsync("/api/v1/servers", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await portal.InScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PortalUser>>();
            var entity = (await users.FindByIdAsync(user.Id.ToString()))!;
            entity.IsDisabled = true;
            (await users.UpdateAsync(entity)).Succeeded.ShouldBeTrue();
        });

        (await api.GetAsync("/api/v1/servers", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
