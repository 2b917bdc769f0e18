using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Identity.Web;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace VpnPortal.Web.Features.Account.Oidc;

/// <summary>Registers organisation sign-in (only when enabled: without it no scheme exists) and the cookie rules of every sign-in.</summary>
public static class OrganisationSignIn
{
    public const string StartPath = "/account/sign-in/oidc";

    public static IServiceCollection AddOrganisationSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LocalSignInOptions>().BindConfiguration(LocalSignInOptions.Section);
        services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OidcOptions>, OidcOptionsValidator>();
        services.AddOptions<CookieSettings>().BindConfiguration(CookieSettings.Section);
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, SecureCookies>();
        services.AddSingleton<IPostConfigureOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>, SecureCookies>();
        services.AddSingleton<IPostConfigureOptions<OpenIdConnectOptions>, SecureCookies>();

        services.AddHttpClient(OidcScheme.MetadataClientName, c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddScoped<OidcSignIn>();

        // Without organisation sign-in no scheme exists: its paths answer nothing.
        var settings = configuration.GetSection(OidcOptions.Section).Get<OidcOptions>() ?? new OidcOptions();
        if (!settings.Enabled)
        {
            return services;
        }

        var authentication = new AuthenticationBuilder(services);
        if (settings.UsesEntra)
        {
            // Microsoft.Identity.Web adds the scheme for Entra ID (the tenant's v2.0 authority); the portal's rules follow.
            var (instance, tenant) = settings.EntraDirectory;
            authentication.AddMicrosoftIdentityWebApp(
                identity =>
                {
                    identity.Instance = instance;
                    identity.TenantId = tenant;
                    identity.ClientId = settings.ClientId;
                    identity.CallbackPath = settings.CallbackPath;
                },
                openIdConnectScheme: OidcScheme.Name,
                cookieScheme: null,
                displayName: settings.DisplayName);
        }
        else
        {
            authentication.AddOpenIdConnect(OidcScheme.Name, settings.DisplayName, _ => { });
        }

        // After Identity.Web's own configuration, so the portal's stricter rules are the ones that hold.
        services.AddOptions<OpenIdConnectOptions>(OidcScheme.Name)
            .Configure<IOptions<OidcOptions>, IHttpClientFactory, TimeProvider>((scheme, oidc, http, time) => OidcScheme.Configure(scheme, oidc.Value, http, time));
        return services;
    }

    /// <summary>Starts an organisation sign-in; 404 when it is not enabled.</summary>
    public static IEndpointRouteBuilder MapOrganisationSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(StartPath, async (HttpContext http, IOptions<OidcOptions> oidc, IOptionsMonitor<OpenIdConnectOptions> schemes, ILoggerFactory loggers, string? returnUrl, bool? reauthenticate) =>
        {
            if (!oidc.Value.Enabled)
            {
                return Results.NotFound();
            }

            // The handler reads the discovery document to build the redirect and fails with a server error when it
            // cannot: ask first, so an unreachable provider gets the page that says so.
            try
            {
                await schemes.Get(OidcScheme.Name).ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
            }
            catch (InvalidOperationException e)
            {
                loggers.CreateLogger(typeof(OidcScheme)).LogError(e, "The identity provider's discovery document could not be read");
                return Results.Redirect(OidcFailures.PagePath(OidcFailures.ProviderUnavailable));
            }

            var properties = new OpenIdConnectChallengeProperties { RedirectUri = LocalReturnUrl.Or(returnUrl, "/") };
            if (reauthenticate == true)
            {
                // Before a sensitive change the provider must ask again, not answer from its own session.
                properties.Prompt = OpenIdConnectPrompt.Login;
            }

            return Results.Challenge(properties, [OidcScheme.Name]);
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

/// <summary>Applies the Secure rule to every cookie the portal sets: sign-in cookies, antiforgery, the sign-in correlation and nonce cookies.</summary>
internal sealed class SecureCookies(IOptions<CookieSettings> settings, IHostEnvironment environment)
    : IPostConfigureOptions<CookieAuthenticationOptions>, IPostConfigureOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>, IPostConfigureOptions<OpenIdConnectOptions>
{
    private CookieSecurePolicy Policy =>
        settings.Value.SecurePolicy ?? (environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always);

    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        options.Cookie.SecurePolicy = Policy;
        options.Cookie.HttpOnly = true;
    }

    public void PostConfigure(string? name, Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions options) => options.Cookie.SecurePolicy = Policy;

    public void PostConfigure(string? name, OpenIdConnectOptions options)
    {
        options.CorrelationCookie.SecurePolicy = Policy;
        options.NonceCookie.SecurePolicy = Policy;
    }
}
