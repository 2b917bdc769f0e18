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
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Rotations;
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

    private PortalComponentContext(TestDatabase db, FakeTimeProvider time, string role)
    {
        Database = db;
        Time = time;
        Bunit = new BunitContext();
        // MudBlazor calls into its own JavaScript (focus, keyboard handling, popovers); none of it matters for these tests.
        Bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        Bunit.Services.AddMudServices();
        Bunit.Services.AddScoped<Web.Features.Appearance.PersonalView>();
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
        AddPageActions(Bunit.Services, db, time);
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

    /// <summary>A fresh database and clock, signed in with <paramref name="role"/> (the user's id is <see cref="AdminId"/> whatever the role).</summary>
    public static async Task<PortalComponentContext> CreateAsync(string role = Roles.Admin) =>
        new(await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite), new FakeTimeProvider(TestClock.Start), role);

    public PortalDbContext Db() => Database.CreateContext(time: Time);

    public async ValueTask DisposeAsync()
    {
        await Bunit.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>What <see cref="ActionScopes"/> resolves in its scope: a context acting as the scope's actor, and the handlers pages run.</summary>
    private static void AddPageActions(IServiceCollection services, TestDatabase db, FakeTimeProvider time)
    {
        services.AddLogging();
        services.AddScoped<ActionScopes>();
        services.AddScoped(sp => db.CreateContext(sp.GetRequiredService<CurrentActor>().Current, time));
        services.AddSingleton(Options.Create(new RotationOptions()));
        services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        services.AddSingleton<RotationSecrets>();
        services.AddSingleton<RotationConductor>();
        services.AddScoped<PlanRotation>();
        services.AddScoped<RotationActions>();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        // Counted into a meter nobody listens to here.
        services.AddMetrics();
        services.AddSingleton<Web.Features.Metrics.PortalMetrics>();
        services.AddScoped<AgentCommandQueue>();
        services.AddSingleton<Web.Features.Disconnects.DisconnectEnforcer>();
        services.AddScoped<Web.Features.Disconnects.StartDisconnect>();
        services.AddScoped<Web.Features.Disconnects.EndEnforcement>();
        services.AddScoped<Web.Features.Sessions.StaleSessions>();

        // Never started here: the page's own first pass (as the admin) is what its tests look at.
        services.AddSingleton<Web.Features.UntrustedCertificates.UntrustedCertificateConvergence>();
        services.AddScoped<Web.Features.UntrustedCertificates.UntrustCertificate>();
        services.AddScoped<Web.Features.UntrustedCertificates.RemoveUntrustedCertificate>();
        services.AddScoped<Web.Features.UntrustedCertificates.AdoptUntrustedCertificate>();
        services.AddScoped<Web.Features.UntrustedCertificates.RemoveHeldCertificate>();

        // Never started either: the acknowledge, suppress and settings actions only ask it for a pass.
        services.AddSingleton(Options.Create(new Web.Features.Diagnostics.DiagnosticsOptions()));
        services.AddSingleton<Web.Features.Diagnostics.FindingsEvaluator>();
        services.AddScoped<Web.Features.Diagnostics.AcknowledgeFinding>();
        services.AddScoped<Web.Features.Diagnostics.SuppressRule>();
        services.AddScoped<Web.Features.Diagnostics.LiftSuppression>();
        services.AddScoped<Web.Features.Diagnostics.SaveDiagnosticsSettings>();
        services.AddScoped<Web.Features.OnCall.OnCallRota>();
        services.AddScoped<Web.Features.Notifications.MyNotifications>();
        services.AddSingleton(Options.Create(new Web.Features.MfaMethods.MfaOptions()));
        services.AddSingleton<Web.Features.Notifications.INotificationOutbox>(new Web.Features.Notifications.NotificationOutbox(time));
        services.AddScoped<Web.Features.Alerts.ListAlerts>();
        services.AddScoped<Web.Features.Alerts.GetAlert>();
        services.AddScoped<Web.Features.Alerts.AcknowledgeAlert>();
        services.AddScoped<Web.Features.Alerts.Silences>();
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
