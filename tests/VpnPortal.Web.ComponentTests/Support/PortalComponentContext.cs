using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Setup;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.ComponentTests.Support;

/// <summary>
/// A bUnit context with what the portal's live pages need: a real (SQLite) database, a fake clock, the fleet events,
/// MudBlazor's services, the services page actions run in (<see cref="ActionScopes"/>) and a signed-in admin (or another
/// role); rendered interactive on the server, as the portal renders them.
/// </summary>
internal sealed class PortalComponentContext : IAsyncDisposable
{
    public static readonly Guid AdminId = Guid.Parse("0d9a3c1e-0000-4000-8000-00000000a001");

    static PortalComponentContext()
    {
        // bUnit waits 1 s by default. A search waits out its 300 ms debounce and then a query, which on a loaded
        // two-core machine took longer than that (CI, ServerListTests). A wait ends as soon as its assertion passes, so a
        // longer limit costs passing tests nothing.
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
    }

    private PortalComponentContext(TestDatabase db, FakeTimeProvider time, string role, TimeZoneInfo? zone)
    {
        Database = db;
        Time = time;
        Bunit = new BunitContext();
        // MudBlazor calls into its own JavaScript (focus, keyboard handling, popovers); none of it matters for these tests.
        Bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        AddPageActions(Bunit.Services, db, time);
        if (zone is not null)
        {
            // The person's own time zone, as their notification settings would give it.
            Bunit.Services.AddScoped(_ => Web.Features.Appearance.PersonalView.Fixed(zone));
        }

        Bunit.Services.AddMudServices();
        Bunit.Services.AddSingleton<IDbContextFactory<PortalDbContext>>(new TestDbContextFactory(db, time));
        Bunit.Services.AddSingleton<TimeProvider>(time);
        Bunit.Services.AddSingleton(Options.Create(new AgentOptions()));
        Bunit.Services.AddSingleton(Options.Create(new SetupOptions()));
        Bunit.Services.AddSingleton(Events);
        Bunit.Services.AddSingleton<CommandSignals>();
        var userName = role == Roles.Admin ? "admin@corp.example" : $"{role.ToLowerInvariant()}@corp.example";
        var actor = new CurrentActor();
        actor.Set(new AuditActor(AuditActorKind.User, AdminId, userName));
        Bunit.Services.AddSingleton(actor);
        Bunit.Services.AddScoped<ActionScopes>();
        // bUnit's AddAuthorization needs WebAssembly.Authentication, which this registry lacks: the framework's own
        // pieces with a fixed user instead.
        var admin = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, userName), new Claim(ClaimTypes.NameIdentifier, AdminId.ToString()), new Claim(ClaimTypes.Role, role)],
            "Test"));
        Bunit.Services.AddAuthorizationCore();
        // bUnit pre-registers placeholders that throw; AddAuthorizationCore only TryAdds, so name the real ones.
        Bunit.Services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        Bunit.Services.AddSingleton<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>();
        Bunit.Services.AddCascadingAuthenticationState();
        Bunit.Services.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationState(admin));
        Bunit.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public BunitContext Bunit { get; }

    public TestDatabase Database { get; }

    public FakeTimeProvider Time { get; }

    public FleetEvents Events { get; } = new();

    /// <summary>
    /// A fresh database and clock, signed in with <paramref name="role"/> (the user's id is <see cref="AdminId"/> whatever
    /// the role), seeing times in <paramref name="zone"/> when given (otherwise as an account without a zone: UTC).
    /// </summary>
    public static async Task<PortalComponentContext> CreateAsync(string role = Roles.Admin, TimeZoneInfo? zone = null)
    {
        return new PortalComponentContext(await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite), new FakeTimeProvider(TestClock.Start), role, zone);
    }

    public PortalDbContext Db() => Database.CreateContext(time: Time);

    public async ValueTask DisposeAsync()
    {
        await Bunit.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>
    /// What <see cref="ActionScopes"/> resolves in its scope: the handlers as the portal's features register them
    /// (background workers are registered but never started here), on a context acting as the scope's actor.
    /// </summary>
    private static void AddPageActions(IServiceCollection services, TestDatabase db, FakeTimeProvider time)
    {
        var configuration = new ConfigurationBuilder().Build();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddPortalFeatures(configuration);
        services.AddScoped(sp => db.CreateContext(sp.GetRequiredService<CurrentActor>().Current, time));
        services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        services.AddSingleton<Web.Features.Notifications.INotificationOutbox>(new Web.Features.Notifications.NotificationOutbox(time));
    }

    private sealed class FixedAuthenticationState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }

    private sealed class TestDbContextFactory(TestDatabase db, TimeProvider time) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => db.CreateContext(time: time);
    }
}
