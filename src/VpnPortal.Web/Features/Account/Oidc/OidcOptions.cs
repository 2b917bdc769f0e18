using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Account.Oidc;

/// <summary>Organisation sign-in with OpenID Connect ("Authentication:Oidc"). See the README for Entra ID.</summary>
public sealed class OidcOptions
{
    public const string Section = "Authentication:Oidc";

    public bool Enabled { get; set; }

    /// <summary>Shown on the button: "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "your organisation";

    /// <summary>
    /// Any provider: its issuer, e.g. https://idp.example.com/realms/corp; discovery is read from
    /// {Authority}/.well-known/openid-configuration. An Entra ID issuer (https://login.microsoftonline.com/{tenant-id}/v2.0)
    /// is signed in to as Entra ID, like <see cref="Entra"/>.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>Microsoft Entra ID, signed in to with Microsoft.Identity.Web: the directory and the cloud.</summary>
    public EntraSignInOptions Entra { get; set; } = new();

    public string? ClientId { get; set; }

    /// <summary>From the environment (Authentication__Oidc__ClientSecret) or user secrets; refused in appsettings*.json.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Entra ID only, instead of a secret: the app registration's certificate as a PFX file with its private key.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The PFX file's password: from the environment (Authentication__Oidc__ClientCertificatePassword) or user secrets.</summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>Entra ID only, instead of a secret: the SHA-1 thumbprint of the certificate in LocalMachine\My (else CurrentUser\My).</summary>
    public string? ClientCertificateThumbprint { get; set; }

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

    /// <summary>Whether the provider is Microsoft Entra ID: a tenant is set, or the authority is an Entra ID issuer.</summary>
    public bool UsesEntra => !string.IsNullOrWhiteSpace(Entra.TenantId) || EntraSignInOptions.TryParseIssuer(Authority, out _, out _);

    /// <summary>The issuer every token must name: the authority, or for Entra ID its tenant's v2.0 issuer (also for an authority without /v2.0).</summary>
    public string? EffectiveAuthority
    {
        get
        {
            if (!UsesEntra)
            {
                return Authority?.TrimEnd('/');
            }

            var (instance, tenant) = EntraDirectory;
            return $"{instance.TrimEnd('/')}/{tenant}/v2.0";
        }
    }

    /// <summary>Entra ID's directory and cloud, from <see cref="Entra"/> or read from an Entra ID authority.</summary>
    public (string Instance, string TenantId) EntraDirectory =>
        !string.IsNullOrWhiteSpace(Entra.TenantId)
            ? (Entra.Instance, Entra.TenantId.Trim())
            : EntraSignInOptions.TryParseIssuer(Authority, out var instance, out var tenant) ? (instance, tenant) : (Entra.Instance, "");

    public bool UsesCertificate => !string.IsNullOrWhiteSpace(ClientCertificatePath) || !string.IsNullOrWhiteSpace(ClientCertificateThumbprint);

    public IReadOnlyList<string> EffectiveScopes =>
        (Scopes.Count == 0 ? ["openid", "profile", "email"] : Scopes.Prepend("openid")).Distinct(StringComparer.Ordinal).ToList();

    public IReadOnlyDictionary<string, IReadOnlyCollection<string>> RoleMapView =>
        RoleMap.ToDictionary(kv => kv.Key, kv => (IReadOnlyCollection<string>)kv.Value, StringComparer.Ordinal);

    public string? EffectiveDefaultRole => string.IsNullOrWhiteSpace(DefaultRole) ? null : DefaultRole;
}

/// <summary>"Authentication:Oidc:Entra": Microsoft Entra ID's directory (tenant) and cloud (instance).</summary>
public sealed class EntraSignInOptions
{
    /// <summary>The cloud's sign-in address; the national clouds have their own (login.microsoftonline.us, ...).</summary>
    public string Instance { get; set; } = "https://login.microsoftonline.com/";

    /// <summary>The directory (tenant) ID, a GUID: the portal belongs to one organisation.</summary>
    public string? TenantId { get; set; }

    /// <summary>The clouds' sign-in hosts, whose issuers are read as Entra ID's.</summary>
    public static readonly IReadOnlySet<string> Hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn", "login.microsoftonline.de",
    };

    /// <summary>Reads https://{cloud}/{tenant}/v2.0 as Entra ID's cloud and tenant.</summary>
    public static bool TryParseIssuer(string? authority, out string instance, out string tenant)
    {
        instance = "";
        tenant = "";
        if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || !Hosts.Contains(uri.Host))
        {
            return false;
        }

        var segments = uri.AbsolutePath.Trim('/').Split('/');
        instance = uri.GetLeftPart(UriPartial.Authority) + "/";
        tenant = segments[0];
        return segments.Length is 1 or 2 && (segments.Length == 1 || segments[1] == "v2.0") && tenant.Length > 0;
    }
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

        if (o.UsesEntra)
        {
            EntraProblems(o, errors);
        }
        else if (!Uri.TryCreate(o.Authority, UriKind.Absolute, out var authority))
        {
            errors.Add("Authentication:Oidc:Authority must be the provider's issuer URL, e.g. https://idp.example.com/realms/corp; for Microsoft Entra ID set Authentication:Oidc:Entra:TenantId instead.");
        }
        else if (o.RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add("Authentication:Oidc:Authority must use https.");
        }

        if (string.IsNullOrWhiteSpace(o.ClientId))
        {
            errors.Add("Authentication:Oidc:ClientId is required (the application (client) id of the app registration).");
        }

        CredentialProblems(o, errors);
        foreach (var (key, file) in SecretsInSettingsFiles())
        {
            errors.Add($"Authentication:Oidc:{key} is set in {file}. Secrets never go into settings files: remove it there and set the environment variable Authentication__Oidc__{key} or a user secret instead.");
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

    private static void EntraProblems(OidcOptions o, List<string> errors)
    {
        var (instance, tenant) = o.EntraDirectory;
        if (!Guid.TryParse(tenant, out _))
        {
            errors.Add($"Authentication:Oidc:Entra:TenantId must be your directory (tenant) ID, a GUID (Entra admin center, Overview), not '{tenant}': the portal belongs to one organisation, so a domain name, common or organizations is not accepted.");
        }

        if (!Uri.TryCreate(instance, UriKind.Absolute, out var cloud) || (o.RequireHttpsMetadata && cloud.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("Authentication:Oidc:Entra:Instance must be the cloud's https sign-in address, e.g. https://login.microsoftonline.com/.");
        }

        if (!string.IsNullOrWhiteSpace(o.Entra.TenantId) && !string.IsNullOrWhiteSpace(o.Authority)
            && !string.Equals(o.Authority.TrimEnd('/'), o.EffectiveAuthority, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Authentication:Oidc:Authority and Authentication:Oidc:Entra:TenantId name different issuers: for Microsoft Entra ID set only Entra:TenantId (the issuer is {o.EffectiveAuthority}).");
        }
    }

    private static void CredentialProblems(OidcOptions o, List<string> errors)
    {
        var given = new[] { o.ClientSecret, o.ClientCertificatePath, o.ClientCertificateThumbprint }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (given == 0)
        {
            errors.Add(o.UsesEntra
                ? "Authentication:Oidc needs the app registration's credential: ClientCertificatePath (a PFX file) or ClientCertificateThumbprint (a certificate in the Windows store), as Entra ID recommends; otherwise ClientSecret is required, in the environment (Authentication__Oidc__ClientSecret) or a user secret."
                : "Authentication:Oidc:ClientSecret is required: set the environment variable Authentication__Oidc__ClientSecret or a user secret.");
            return;
        }

        if (given > 1)
        {
            errors.Add("Authentication:Oidc: set one of ClientSecret, ClientCertificatePath and ClientCertificateThumbprint, not several.");
            return;
        }

        if (o.UsesCertificate && !o.UsesEntra)
        {
            errors.Add("Authentication:Oidc:ClientCertificatePath and ClientCertificateThumbprint are for Microsoft Entra ID (Entra:TenantId); other providers use ClientSecret.");
            return;
        }

        if (o.UsesCertificate)
        {
            var loaded = ClientCertificates.Load(OidcOptions.Section, o.ClientCertificatePath, o.ClientCertificatePassword, o.ClientCertificateThumbprint);
            loaded.Certificate?.Dispose();
            if (loaded.Problem is { } problem)
            {
                errors.Add(problem);
            }
        }
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

    /// <summary>The secrets (client secret, certificate password) set in a settings file (appsettings*.json), with the file.</summary>
    private IEnumerable<(string Key, string File)> SecretsInSettingsFiles()
    {
        if (configuration is not IConfigurationRoot root)
        {
            yield break;
        }

        var files = root.Providers.OfType<JsonConfigurationProvider>()
            .Where(p => p.Source.Path?.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) == true)
            .ToList();
        foreach (var key in new[] { "ClientSecret", "ClientCertificatePassword" })
        {
            if (files.FirstOrDefault(p => p.TryGet($"{OidcOptions.Section}:{key}", out var value) && !string.IsNullOrEmpty(value)) is { } file)
            {
                yield return (key, file.Source.Path!);
            }
        }
    }
}
