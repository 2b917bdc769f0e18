using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VpnPortal.Data;

namespace VpnPortal.Web.Features.Account.Oidc;

/// <summary>Registers organisation sign-in (only when enabled: without it no scheme exists) and the cookie rules of every sign-in.</summary>
public static class OrganisationSignIn
{
    public const string StartPath = "/account/sign-in/oidc";

    public static IServiceCollection AddOrganisationSignIn(this IServiceCollection services)
    {
        services.AddOptions<LocalSignInOptions>().BindConfiguration(LocalSignInOptions.Section);
        services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OidcOptions>, OidcOptionsValidator>();
        services.AddOptions<CookieSettings>().BindConfiguration(CookieSettings.Section);
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, SecureCookies>();
        services.AddSingleton<IPostConfigureOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>, SecureCookies>();
        services.AddSingleton<IPostConfigureOptions<OidcSchemeOptions>, SecureCookies>();

        services.AddHttpClient(OidcProviderMetadata.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddSingleton<OidcProviderMetadata>();
        services.AddSingleton<IdTokenValidator>();
        services.AddScoped<OidcSignIn>();
        services.TryAddTransient<OidcHandler>();

        // The scheme is added when the options are first read, after every configuration source (tests' too) is in.
        services.AddOptions<AuthenticationOptions>().Configure<IOptions<OidcOptions>>((auth, oidc) =>
        {
            if (oidc.Value.Enabled)
            {
                auth.AddScheme<OidcHandler>(OidcHandler.SchemeName, oidc.Value.DisplayName);
            }
        });
        services.AddOptions<OidcSchemeOptions>(OidcHandler.SchemeName)
            .Configure<IOptions<OidcOptions>>((scheme, oidc) => Configure(scheme, oidc.Value))
            .Validate(scheme =>
            {
                scheme.Validate(OidcHandler.SchemeName);
                return true;
            });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OidcSchemeOptions>, OAuthPostConfigureOptions<OidcSchemeOptions, OidcHandler>>());
        return services;
    }

    private static void Configure(OidcSchemeOptions scheme, OidcOptions o)
    {
        scheme.ClientId = o.ClientId!;
        scheme.ClientSecret = o.ClientSecret!;
        scheme.CallbackPath = o.CallbackPath;
        // Required by OAuthOptions.Validate; the handler uses the endpoints from the discovery document instead.
        scheme.AuthorizationEndpoint = o.Authority!;
        scheme.TokenEndpoint = o.Authority!;
        scheme.SignInScheme = IdentityConstants.ExternalScheme;
        scheme.Scope.Clear();
        foreach (var s in o.EffectiveScopes)
        {
            scheme.Scope.Add(s);
        }

        // The provider sends the browser back with a top-level GET: Lax is enough and works without HTTPS on loopback.
        scheme.CorrelationCookie.SameSite = SameSiteMode.Lax;
        scheme.RemoteAuthenticationTimeout = TimeSpan.FromMinutes(10);
        scheme.Events = new OAuthEvents
        {
            OnTicketReceived = TicketReceivedAsync,
            OnRemoteFailure = RemoteFailureAsync,
        };
    }

    private static async Task TicketReceivedAsync(TicketReceivedContext context)
    {
        var http = context.HttpContext;
        var idToken = context.Properties?.GetTokenValue(OidcHandler.IdTokenName) ?? "";
        var result = await http.RequestServices.GetRequiredService<OidcSignIn>().SignInAsync(context.Principal!, idToken, http.RequestAborted);
        context.HandleResponse();
        if (result.User is null)
        {
            await RefuseAsync(http, result.Refusal!, result.Detail!);
            return;
        }

        http.Response.Redirect(LocalReturnUrl.Or(context.ReturnUri, "/"));
    }

    private static async Task RemoteFailureAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        var failure = context.Failure as OidcSignInFailure;
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OrganisationSignIn));
        logger.LogWarning("Organisation sign-in refused: {Reason}: {Detail}", failure?.Reason ?? "failed", failure?.Message ?? context.Failure?.Message);
        await RefuseAsync(context.HttpContext, failure?.Reason ?? OidcFailures.BadState, failure?.Message ?? context.Failure?.Message ?? "unknown failure");
    }

    private static async Task RefuseAsync(HttpContext http, string reason, string detail)
    {
        var services = http.RequestServices;
        var db = services.GetRequiredService<PortalDbContext>();
        var provider = services.GetRequiredService<IOptions<OidcOptions>>().Value.DisplayName;
        db.ChangeTracker.Clear();
        db.Audit("account.sign-in-failed", $"Failed sign-in with {provider} (oidc): {reason}: {detail}");
        await db.SaveChangesAsync(http.RequestAborted);
        http.Response.Redirect(OidcFailures.PagePath(reason));
    }

    /// <summary>Starts an organisation sign-in; 404 when it is not enabled.</summary>
    public static IEndpointRouteBuilder MapOrganisationSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(StartPath, (HttpContext http, IOptions<OidcOptions> oidc, string? returnUrl, bool? reauthenticate) =>
        {
            if (!oidc.Value.Enabled)
            {
                return Results.NotFound();
            }

            var properties = new AuthenticationProperties { RedirectUri = LocalReturnUrl.Or(returnUrl, "/") };
            if (reauthenticate == true)
            {
                // Before a sensitive change the provider must ask again, not answer from its own session.
                properties.Items[OidcHandler.PromptKey] = "login";
            }

            return Results.Challenge(properties, [OidcHandler.SchemeName]);
        })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }
}

/// <summary>"Authentication:Cookies": whether the portal's cookies are marked Secure.</summary>
public sealed class CookieSettings
{
    public const string Section = "Authentication:Cookies";

    /// <summary>
    /// Always (the default outside Development): cookies only travel over HTTPS, also behind a proxy that ends TLS.
    /// SameAsRequest: only for plain-HTTP loopback (development, tests), never for a deployed portal.
    /// </summary>
    public CookieSecurePolicy? SecurePolicy { get; set; }
}

/// <summary>Applies the Secure rule to every cookie the portal sets: sign-in cookies, antiforgery, the sign-in correlation cookie.</summary>
internal sealed class SecureCookies(IOptions<CookieSettings> settings, IHostEnvironment environment)
    : IPostConfigureOptions<CookieAuthenticationOptions>, IPostConfigureOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>, IPostConfigureOptions<OidcSchemeOptions>
{
    private CookieSecurePolicy Policy =>
        settings.Value.SecurePolicy ?? (environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always);

    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        options.Cookie.SecurePolicy = Policy;
        options.Cookie.HttpOnly = true;
    }

    public void PostConfigure(string? name, Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions options) => options.Cookie.SecurePolicy = Policy;

    public void PostConfigure(string? name, OidcSchemeOptions options) => options.CorrelationCookie.SecurePolicy = Policy;
}
