using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VpnPortal.Testing;
using VpnPortal.Web.Hosting;

namespace VpnPortal.Web.Tests.Support;

/// <summary>
/// The portal's services without the web host, for handler tests that need no HTTP: the same registrations the portal
/// makes (<see cref="PortalHost.AddPortal"/>, every feature's own) in a container on a migrated test database, with no
/// server, no pipeline, no endpoints and no background jobs. A test that goes through pages or the API starts a
/// <see cref="PortalFactory"/> instead.
/// </summary>
public sealed class PortalServices : IPortalScope, IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private int _userCount;

    private PortalServices(TestDatabase database, FakeTimeProvider? time, ServiceProvider services)
    {
        Database = database;
        Time = time;
        _services = services;
    }

    public TestDatabase Database { get; }

    /// <summary>The portal's clock when the test asked for a fake one; otherwise the system clock.</summary>
    public FakeTimeProvider? Time { get; }

    public IServiceProvider Services => _services;

    /// <summary>
    /// A fresh migrated database on <paramref name="provider"/> and the portal's services on it. Settings are the
    /// portal's configuration keys, as for <see cref="PortalFactory.StartAsync(string, FakeTimeProvider?, IReadOnlyDictionary{string, string}?, Action{IServiceCollection}?)"/>;
    /// <paramref name="services"/> replaces services after the portal registered its own. Passwords are hashed with
    /// <see cref="PortalFactory.TestPasswordIterations"/> rounds, as in the test portals, unless
    /// <paramref name="shippedPasswordHashing"/> keeps the portal's own.
    /// </summary>
    public static async Task<PortalServices> StartAsync(
        string provider = TestDatabase.Sqlite, FakeTimeProvider? time = null, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null,
        bool shippedPasswordHashing = false)
    {
        var database = await TestDatabase.CreateMigratedAsync(provider);
        try
        {
            return new PortalServices(database, time, Build(database, time, settings, services, shippedPasswordHashing));
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    private static ServiceProvider Build(
        TestDatabase database, FakeTimeProvider? time, IReadOnlyDictionary<string, string>? settings, Action<IServiceCollection>? replace, bool shippedPasswordHashing)
    {
        var values = new Dictionary<string, string?>
        {
            ["Database:Provider"] = database.Provider,
            ["Database:ConnectionString"] = database.ConnectionString,
            // Nothing runs in the background: a handler test runs what it tests itself.
            ["Jobs:Enabled"] = "false",
        };
        foreach (var (key, value) in KeyEncryptionCertificate.Settings.Concat(settings ?? new Dictionary<string, string>()))
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var environment = new TestHostEnvironment(AppContext.BaseDirectory);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(environment);
        services.AddSingleton<IWebHostEnvironment>(environment);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddPortal(configuration);
        PortalFactory.UseTestServices(services, time, testPasswordHashing: !shippedPasswordHashing);
        replace?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public int NextUserNumber() => Interlocked.Increment(ref _userCount);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Database.DisposeAsync();
    }

    private sealed class TestHostEnvironment(string contentRoot) : IWebHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;

        public string ApplicationName { get; set; } = typeof(Program).Assembly.GetName().Name!;

        public string ContentRootPath { get; set; } = contentRoot;

        public IFileProvider ContentRootFileProvider { get; set; } = new PhysicalFileProvider(contentRoot);

        public string WebRootPath { get; set; } = contentRoot;

        public IFileProvider WebRootFileProvider { get; set; } = new NullFileProvider();
    }
}
