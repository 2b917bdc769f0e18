using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Me;
using Xunit;

namespace VpnPortal.Web.Tests.Support;

/// <summary>
/// The whole portal in memory (real pipeline, real Identity, real migrations) on its own fresh database,
/// optionally on a fake clock. One factory is one database: never share one between tests that write.
/// </summary>
public sealed class PortalFactory : WebApplicationFactory<Program>, IPortalScope
{
    /// <summary>Long enough for Identity's rule (12); the same for every test user, so failures are about roles, not passwords.</summary>
    public const string Password = "correct horse battery staple";

    /// <summary>PBKDF2 rounds of the test portals' password hashes (a hash says its own count, so any hash still verifies).</summary>
    public const int TestPasswordIterations = 1_000;

    /// <summary>Who the audit log names for what a test arranges directly (not the behaviour under test).</summary>
    public static readonly AuditActor TestSetupActor = new(AuditActorKind.Cli, null, "test setup");

    private readonly bool _ownsDatabase;
    private int _userCount;

    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;

    private PortalFactory(TestDatabase database, FakeTimeProvider? time, bool ownsDatabase, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        Database = database;
        Time = time;
        _ownsDatabase = ownsDatabase;
        _settings = settings ?? new Dictionary<string, string>();
        _services = services;
    }

    /// <summary>The database this portal runs on.</summary>
    public TestDatabase Database { get; }

    /// <summary>The portal's clock when the test asked for a fake one; otherwise the portal uses the system clock.</summary>
    public FakeTimeProvider? Time { get; }

    /// <summary>
    /// Creates a fresh database, migrated from the test run's template (the portal's own migration at start then finds
    /// nothing to do; <see cref="StartOnAsync"/> with <see cref="TestDatabase.CreateEmptyAsync"/> starts on an empty one),
    /// and starts the portal on it.
    /// <c>services</c> replaces services after the portal registered its own (e.g. test doubles of another feature's interfaces).
    /// </summary>
    public static async Task<PortalFactory> StartAsync(
        string provider = TestDatabase.Sqlite, FakeTimeProvider? time = null, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null) =>
        await StartAsync(new PortalFactory(await TestDatabase.CreateMigratedAsync(provider), time, ownsDatabase: true, settings, services));

    /// <summary>Starts the portal on a database the caller owns (and disposes), e.g. one the admin CLI has just written.</summary>
    public static Task<PortalFactory> StartOnAsync(
        TestDatabase database, FakeTimeProvider? time = null, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null) =>
        StartAsync(new PortalFactory(database, time, ownsDatabase: false, settings, services));

    /// <summary>
    /// Starts the portal on Kestrel on a loopback port instead of the in-memory server, for what only a real server
    /// does (request body limits enforced as the bytes arrive). Clients from <see cref="WebApplicationFactory{T}.CreateClient()"/> talk real HTTP.
    /// </summary>
    public static async Task<PortalFactory> StartOnKestrelAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var factory = new PortalFactory(await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite), null, ownsDatabase: true, settings);
        factory.UseKestrel(0);
        try
        {
            factory.StartServer();
            var address = factory.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
            factory.ClientOptions.BaseAddress = new Uri(address);
            return factory;
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    private static async Task<PortalFactory> StartAsync(PortalFactory factory)
    {
        try
        {
            _ = factory.Server; // starts the host: migrations, pipeline, the setup link on an empty database
            return factory;
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Production, as shipped: the exception handler and status code pages are the ones people get.
        builder.UseEnvironment("Production");
        // The portal reads these when the first DbContext is made, after Program.cs has built the host, so
        // settings applied here count (PortalFactoryTests proves the portal really runs on this database).
        builder.UseSetting("Database:Provider", Database.Provider);
        builder.UseSetting("Database:ConnectionString", Database.ConnectionString);
        // The in-memory server is plain http://localhost: Secure cookies would never come back (see the README).
        builder.UseSetting("Authentication:Cookies:SecurePolicy", "SameAsRequest");
        // The outbox looks for due notifications every second, not every five: a test waiting for the portal to settle
        // (CountRowsWhenSettledAsync) waits for them to be sent. A test may set its own.
        builder.UseSetting("Notifications:PollSeconds", "1");
        // The findings evaluator rests a second after each pass, not five: the pass at start would otherwise hold a
        // test's first report (and every settled count after it) for five seconds. A test may set its own.
        builder.UseSetting("Diagnostics:MinSecondsBetweenEvaluations", "1");
        // Outside Development the portal starts only with its data-protection keys encrypted; a test may name its own.
        foreach (var (key, value) in KeyEncryptionCertificate.Settings)
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            UseTestServices(services, Time, testPasswordHashing: true);
            _services?.Invoke(services);
        });
    }

    /// <summary>
    /// What every portal under test changes in the portal's own registrations, with its web host or without: the fake
    /// clock, when a test gives one, and fewer password-hashing rounds unless <paramref name="testPasswordHashing"/> is false.
    /// </summary>
    internal static void UseTestServices(IServiceCollection services, FakeTimeProvider? time, bool testPasswordHashing)
    {
        if (testPasswordHashing)
        {
            // Identity's 100,000 PBKDF2 rounds are a tenth of a second of CPU for each account a test makes and each
            // sign-in, over a thousand times a run. The portal as shipped keeps the default (PasswordHashingTests).
            services.Configure<PasswordHasherOptions>(o => o.IterationCount = TestPasswordIterations);
        }

        if (time is not null)
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(time);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }

    public int NextUserNumber() => Interlocked.Increment(ref _userCount);

    /// <summary>Creates an API key for the user through the same service the "API keys" page uses; returns the plaintext.</summary>
    public Task<string> CreateApiKeyAsync(TestUser user, string name = "tests") =>
        this.InScopeAsync(async sp =>
        {
            var created = await sp.GetRequiredService<ApiKeys>().CreateAsync(user.Id, name, lifetime: null, TestContext.Current.CancellationToken);
            created.Error.ShouldBeNull();
            return created.Value!.Key;
        });

    /// <summary>Turns on the authenticator app for the user directly, as if they had set it up; the key and ten recovery codes.</summary>
    public Task<(string Key, IReadOnlyList<string> RecoveryCodes)> TurnOnAuthenticatorAsync(TestUser user) =>
        this.InScopeAsync<(string, IReadOnlyList<string>)>(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PortalUser>>();
            var account = (await users.FindByIdAsync(user.Id.ToString()))!;
            await users.ResetAuthenticatorKeyAsync(account);
            await users.SetTwoFactorEnabledAsync(account, true);
            var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(account, 10))!.ToList();
            return ((await users.GetAuthenticatorKeyAsync(account))!, codes);
        });

    /// <summary>A client that keeps cookies and shows redirects instead of following them, like a browser with the network tab open.</summary>
    public PortalBrowser CreateBrowser()
    {
        var cookies = new CookieContainer();
        var client = CreateDefaultClient(new CookieContainerHandler(cookies));
        return new PortalBrowser(client, cookies);
    }

    /// <summary>Signs in through the real sign-in form (antiforgery token and all) and returns the signed-in browser.</summary>
    public async Task<PortalBrowser> SignInAsync(TestUser user)
    {
        var browser = CreateBrowser();
        using var response = await browser.SignInAsync(user.Email, user.Password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"signing in {user.Email} through the form should redirect");
        browser.HasCookie(PortalBrowser.AuthCookie).ShouldBeTrue($"signing in {user.Email} should set the auth cookie");
        return browser;
    }

    /// <summary>
    /// A plain HttpClient to a portal started with <see cref="StartOnKestrelAsync"/>: no test handler in between, so a
    /// body of unknown length really goes out chunked (the test client's redirect handler would buffer it).
    /// </summary>
    public HttpClient CreateNetworkClient(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = ClientOptions.BaseAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>A client that sends the API key as "Authorization: Bearer ..." and follows no redirects.</summary>
    public HttpClient CreateApiClient(string? apiKey)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = ClientOptions.BaseAddress, AllowAutoRedirect = false, HandleCookies = false });
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }
}

/// <summary>An account a test created, with its password.</summary>
public sealed record TestUser(Guid Id, string Email, string Password, string Role);
