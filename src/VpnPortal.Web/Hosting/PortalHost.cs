using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Components;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Setup;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Hosting;

/// <summary>Builds the portal's services and request pipeline; shared by the web host, the admin CLI and tests.</summary>
public static class PortalHost
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var contentRoot = PortalContentRoot.Resolve(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = contentRoot,
            WebRootPath = Path.Combine(contentRoot, "wwwroot"),
            ApplicationName = typeof(PortalHost).Assembly.GetName().Name,
        });

        // Package assets (MudBlazor) from the build's static web assets manifest, in every environment.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddPortal(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddPortal(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddProxyHeaders(configuration);
        services.AddWebHardening();
        services.AddPortalDatabase(configuration);
        if (configuration.GetValue("Jobs:Enabled", true))
        {
            services.AddHostedService<Jobs.ExpireAgentCommandsJob>();
            services.AddHostedService<Jobs.PruneFleetHistoryJob>();
            Jobs.PortalScheduler.AddPortalScheduler(services, configuration);
        }

        services.AddIdentityCore<PortalUser>(PortalIdentity.AccountRules)
            .AddRoles<PortalRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager<PortalSignInManager>()
            .AddDefaultTokenProviders();
        services.AddOptions<IdentityOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            o.Lockout.MaxFailedAccessAttempts = configuration.GetValue("Security:LockoutAttempts", 5);
            o.Lockout.DefaultLockoutTimeSpan = configuration.GetValue("Security:LockoutDuration", TimeSpan.FromMinutes(15));
        });

        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, AgentApi.AgentAuthenticationHandler>(AgentApi.AgentAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "VpnPortal.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Secure is set for every cookie by OrganisationSignIn's SecureCookies (Authentication:Cookies:SecurePolicy).
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.LoginPath = "/account/sign-in";
            o.LogoutPath = "/account/sign-out";
            o.AccessDeniedPath = "/account/access-denied";
        });
        // Disabled users and "sign out everywhere" take effect within the session check interval (a minute), not at
        // cookie expiry; open circuits are checked as often (CircuitSessionRevalidation).
        SessionCheckOptions.Add(services);
        services.AddOptions<SecurityStampValidatorOptions>().Configure<IOptions<SessionCheckOptions>>((o, check) =>
        {
            o.ValidationInterval = check.Value.SessionCheckInterval;
            // The revalidated principal is rebuilt from the database; the time and method of the sign-in travel over.
            o.OnRefreshingPrincipal = context =>
            {
                var kept = context.CurrentPrincipal?.Claims.Where(c => PortalClaims.SessionTypes.Contains(c.Type)) ?? [];
                if (context.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity identity)
                {
                    identity.AddClaims(kept.Select(c => new System.Security.Claims.Claim(c.Type, c.Value, c.ValueType)));
                }

                return Task.CompletedTask;
            };
        });

        services.AddAuthorization(o =>
        {
            Policies.Configure(o, IdentityConstants.ApplicationScheme, ApiKeyAuthenticationHandler.SchemeName);
            AgentApi.AgentAuthenticationHandler.AddPolicy(o);
        });
        services.AddCascadingAuthenticationState();
        services.AddScoped<CircuitHandler, CircuitActorHandler>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        // After the framework's own registration, which this replaces: circuits revalidate their user.
        services.AddScoped<AuthenticationStateProvider, CircuitSessionRevalidation>();
        services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            o.SnackbarConfiguration.PreventDuplicates = false;
            o.SnackbarConfiguration.VisibleStateDuration = 6000;
        });
        services.AddAntiforgery(o => o.Cookie.Name = "VpnPortal.Antiforgery");
        services.AddOpenApi("v1", o =>
        {
            // Only the automation API is documented; pages, sign-out and the agent channel are not part of it.
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "VpnPortal API";
                document.Info.Description = "Automation API. Authenticate with a per-user API key: Authorization: Bearer <key>. Keys carry their user's roles.";
                return Task.CompletedTask;
            });
        });
        // Enums travel as their names in the API, as the agent channel's already do ("Rras", "Sstp", "Critical").
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddProblemDetails();
        services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database");

        services.AddOptions<SetupOptions>().BindConfiguration(SetupOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddAttemptLimits();
        services.AddPortalFeatures(configuration);
        return services;
    }

    public static WebApplication UsePortal(this WebApplication app)
    {
        // Registered first, so every answer carries the headers: pages, API, static files and error pages alike.
        app.UseSecurityHeaders();

        // First: everything after it (HSTS, cookies, antiforgery, sign-in return addresses, the audit's address) sees
        // the person's request as the trusted proxy received it.
        if (ProxyHeaders.Enabled(app.Services))
        {
            app.UseForwardedHeaders();
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }

        // People get a page for 404s; API and agent clients get the bare status code (and problem details).
        // Only for GET/HEAD: re-executing a POST would post to the not-found page, which refuses it with 400,
        // hiding the real status (a 401 from the circuit's negotiate, a 404 for a form posted to nowhere).
        app.UseWhen(
            c => (HttpMethods.IsGet(c.Request.Method) || HttpMethods.IsHead(c.Request.Method))
                && !c.Request.Path.StartsWithSegments("/api") && !c.Request.Path.StartsWithSegments("/openapi"),
            b => b.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseStaticFiles();
        // Routing after the status code pages, so a re-executed /not-found is routed to its page.
        app.UseRouting();
        app.UseAttemptLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<CurrentActorMiddleware>();
        app.UseAntiforgery();

        app.MapPortalEndpoints();
        app.MapHealthChecks("/healthz").AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().Add(BlazorEndpointAuthorization.Apply);
        return app;
    }
}
