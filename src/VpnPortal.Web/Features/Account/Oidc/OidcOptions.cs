using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Options;
using VpnPortal.Data;

namespace VpnPortal.Web.Features.Account.Oidc;

/// <summary>Organisation sign-in with OpenID Connect ("Authentication:Oidc"). See the README for Entra ID.</summary>
public sealed class OidcOptions
{
    public const string Section = "Authentication:Oidc";

    public bool Enabled { get; set; }

    /// <summary>Shown on the button: "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "your organisation";

    /// <summary>The issuer, e.g. https://login.microsoftonline.com/{tenant-id}/v2.0; discovery is read from {Authority}/.well-known/openid-configuration.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>From the environment (Authentication__Oidc__ClientSecret) or user secrets; refused in appsettings*.json.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Requested scopes; openid is always added. Empty means openid, profile and email.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>Where the provider sends the browser back with the code; register {portal}{CallbackPath} at the provider.</summary>
    public string CallbackPath { get; set; } = "/signin-oidc";

    /// <summary>Where the provider sends the browser after signing out; register {portal}{PostLogoutRedirectPath} too.</summary>
    public string PostLogoutRedirectPath { get; set; } = "/account/sign-in";

    /// <summary>Discovery and keys over HTTPS only. Off only for a provider on loopback (tests).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Tolerance for clock differences when checking the id_token's lifetime.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How soon a token signed with an unknown key may make the portal fetch the provider's keys again (key rollover);
    /// at least one second. Stops forged tokens with made-up key ids from hammering the provider.
    /// </summary>
    public TimeSpan KeyRefreshMinimumInterval { get; set; } = TimeSpan.FromMinutes(5);

    public OidcClaimNames Claims { get; set; } = new();

    /// <summary>Portal role -> app-role values or group ids/names that grant it, e.g. "Admin": ["VpnPortal.Admin", "{group-id}"].</summary>
    public Dictionary<string, List<string>> RoleMap { get; set; } = [];

    /// <summary>The role given to someone no mapping matches; empty (the default) refuses them.</summary>
    public string? DefaultRole { get; set; }

    /// <summary>Link a first sign-in to the local account with the same e-mail, when the token says the e-mail is verified.</summary>
    public bool LinkByVerifiedEmail { get; set; }

    /// <summary>Link a first sign-in to the local account whose UPN equals the token's UPN claim.</summary>
    public bool LinkByUserPrincipalName { get; set; }

    public IReadOnlyList<string> EffectiveScopes =>
        (Scopes.Count == 0 ? ["openid", "profile", "email"] : Scopes.Prepend("openid")).Distinct(StringComparer.Ordinal).ToList();

    public IReadOnlyDictionary<string, IReadOnlyCollection<string>> RoleMapView =>
        RoleMap.ToDictionary(kv => kv.Key, kv => (IReadOnlyCollection<string>)kv.Value, StringComparer.Ordinal);

    public string? EffectiveDefaultRole => string.IsNullOrWhiteSpace(DefaultRole) ? null : DefaultRole;
}

/// <summary>Which claims of the id_token carry what. Entra ID's defaults are these; other providers may differ.</summary>
public sealed class OidcClaimNames
{
    public string Name { get; set; } = "name";
    public string Email { get; set; } = "email";
    public string EmailVerified { get; set; } = "email_verified";
    public string UserPrincipalName { get; set; } = "preferred_username";
    public string Roles { get; set; } = "roles";
    public string Groups { get; set; } = "groups";
}

/// <summary>Local (password) accounts ("Authentication:Local").</summary>
public sealed class LocalSignInOptions
{
    public const string Section = "Authentication:Local";

    /// <summary>Off: only the break-glass admins may use the password form; everyone else signs in with the organisation.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>E-mails of the admins who may still sign in with a password when local accounts are off.</summary>
    public List<string> BreakGlassAdmins { get; set; } = [];

    public bool Allows(string? email) =>
        Enabled || (email is not null && BreakGlassAdmins.Any(b => string.Equals(b.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase)));

    public bool IsBreakGlass(string? email) =>
        email is not null && BreakGlassAdmins.Any(b => string.Equals(b.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>Refuses to start with settings that would make sign-in unsafe or impossible, saying which setting to fix.</summary>
public sealed class OidcOptionsValidator(IConfiguration configuration, IOptions<LocalSignInOptions> local) : IValidateOptions<OidcOptions>
{
    public ValidateOptionsResult Validate(string? name, OidcOptions o)
    {
        var errors = new List<string>();
        if (!o.Enabled)
        {
            if (!local.Value.Enabled)
            {
                errors.Add("Authentication:Local:Enabled is false but Authentication:Oidc is not enabled: nobody could sign in.");
            }

            return Result(errors);
        }

        if (!Uri.TryCreate(o.Authority, UriKind.Absolute, out var authority))
        {
            errors.Add("Authentication:Oidc:Authority must be the provider's issuer URL, e.g. https://login.microsoftonline.com/{tenant-id}/v2.0.");
        }
        else if (o.RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add("Authentication:Oidc:Authority must use https.");
        }

        if (string.IsNullOrWhiteSpace(o.ClientId))
        {
            errors.Add("Authentication:Oidc:ClientId is required (the application (client) id of the app registration).");
        }

        if (string.IsNullOrWhiteSpace(o.ClientSecret))
        {
            errors.Add("Authentication:Oidc:ClientSecret is required: set the environment variable Authentication__Oidc__ClientSecret or a user secret.");
        }

        if (SecretInSettingsFile() is { } file)
        {
            errors.Add($"Authentication:Oidc:ClientSecret is set in {file}. Secrets never go into settings files: remove it there and set the environment variable Authentication__Oidc__ClientSecret or a user secret instead.");
        }

        if (!o.CallbackPath.StartsWith('/') || !o.PostLogoutRedirectPath.StartsWith('/'))
        {
            errors.Add("Authentication:Oidc:CallbackPath and PostLogoutRedirectPath must be paths starting with '/'.");
        }

        if (o.KeyRefreshMinimumInterval < TimeSpan.FromSeconds(1) || o.ClockSkew < TimeSpan.Zero || o.ClockSkew > TimeSpan.FromMinutes(10))
        {
            errors.Add("Authentication:Oidc:KeyRefreshMinimumInterval must be at least 00:00:01 and ClockSkew between 0 and 00:10:00.");
        }

        foreach (var role in o.RoleMap.Keys.Where(r => !Roles.All.Contains(r)))
        {
            errors.Add($"Authentication:Oidc:RoleMap has '{role}', which is not a portal role ({string.Join(", ", Roles.All)}).");
        }

        if (o.EffectiveDefaultRole is { } d && !Roles.All.Contains(d))
        {
            errors.Add($"Authentication:Oidc:DefaultRole '{d}' is not a portal role ({string.Join(", ", Roles.All)}).");
        }

        if (o.RoleMap.Values.All(v => v.Count == 0) && o.EffectiveDefaultRole is null)
        {
            errors.Add("Authentication:Oidc:RoleMap maps nothing and there is no DefaultRole: everyone would be refused.");
        }

        var claims = o.Claims;
        if (new[] { claims.Name, claims.Email, claims.EmailVerified, claims.UserPrincipalName, claims.Roles, claims.Groups }.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("Authentication:Oidc:Claims: every claim name must be set.");
        }

        return Result(errors);
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

    /// <summary>The settings file (appsettings.json, appsettings.{Environment}.json) that holds the client secret, if any.</summary>
    private string? SecretInSettingsFile() =>
        configuration is IConfigurationRoot root
            ? root.Providers.OfType<JsonConfigurationProvider>()
                .Where(p => p.Source.Path?.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) == true)
                .FirstOrDefault(p => p.TryGet($"{OidcOptions.Section}:ClientSecret", out var value) && !string.IsNullOrEmpty(value))?.Source.Path
            : null;
}
