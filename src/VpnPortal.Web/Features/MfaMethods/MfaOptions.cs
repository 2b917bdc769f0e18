using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography.X509Certificates;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.MfaMethods;

/// <summary>Where MFA phone numbers are kept and how verification codes are sent and limited ("Mfa" section).</summary>
public sealed class MfaOptions : IValidatableObject
{
    public const string Section = "Mfa";

    /// <summary>"Portal" (the portal's own store) or "Entra" (Microsoft Entra ID through Microsoft Graph).</summary>
    [Required]
    public string Provider { get; set; } = "Portal";

    public EntraOptions Entra { get; set; } = new();

    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    [Range(1, 20)]
    public int MaxAttemptsPerCode { get; set; } = 5;

    [Range(1, 100)]
    public int MaxCodesPerUserPerHour { get; set; } = 5;

    [Range(1, 100)]
    public int MaxCodesPerNumberPerHour { get; set; } = 3;

    /// <summary>How recent a sign-in must be before a method may be changed.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan ReauthenticateWithin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The country (ISO 3166, e.g. "GB") whose people may type their number as dialled at home (07400 123456): it is read
    /// as that country reads it and stored in international form. Without it, a number must start with + or 00.
    /// </summary>
    public string? PhoneRegion { get; set; }

    public bool UsesEntra => string.Equals(Provider, "Entra", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!UsesEntra && !string.Equals(Provider, "Portal", StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"Mfa:Provider must be \"Portal\" or \"Entra\", not \"{Provider}\".", [nameof(Provider)]);
        }

        if (!string.IsNullOrWhiteSpace(PhoneRegion) && !VpnPortal.Domain.Phones.PhoneNumber.IsKnownRegion(PhoneRegion))
        {
            yield return new ValidationResult($"Mfa:PhoneRegion must be a two-letter country code such as GB or DE, not \"{PhoneRegion}\".", [nameof(PhoneRegion)]);
        }

        if (UsesEntra)
        {
            foreach (var problem in Entra.Problems())
            {
                yield return new ValidationResult(problem, [nameof(Entra)]);
            }
        }
    }
}

/// <summary>
/// The app registration that may change users' phone methods (application permission UserAuthenticationMethod.ReadWrite.All).
/// It signs in with exactly one credential: a client certificate (<see cref="ClientCertificatePath"/> or
/// <see cref="ClientCertificateThumbprint"/>, what Entra recommends) or a <see cref="ClientSecret"/>.
/// </summary>
public sealed class EntraOptions
{
    /// <summary>Where tokens come from; the national clouds have their own.</summary>
    public string Instance { get; set; } = "https://login.microsoftonline.com";

    public string TenantId { get; set; } = "";

    public string ClientId { get; set; } = "";

    /// <summary>From the environment (Mfa__Entra__ClientSecret) or user secrets, never appsettings.json.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>A PFX file holding the app registration's certificate with its private key.</summary>
    public string ClientCertificatePath { get; set; } = "";

    /// <summary>The PFX file's password: from the environment (Mfa__Entra__ClientCertificatePassword) or user secrets, never appsettings.json.</summary>
    public string ClientCertificatePassword { get; set; } = "";

    /// <summary>The thumbprint of a certificate with its private key in the Windows certificate store (LocalMachine\My, then CurrentUser\My).</summary>
    public string ClientCertificateThumbprint { get; set; } = "";

    public string GraphBaseUrl { get; set; } = "https://graph.microsoft.com";

    /// <summary>How often a throttled or failed safe call is tried again.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The longest Retry-After honoured in place; a longer one fails the change with "try again later".</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt (token and request) may go unanswered before it is given up.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one call may take with its retries and waits: the longest a page waits for Graph.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(20);

    internal IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(TenantId))
        {
            yield return "Mfa:Entra:TenantId is required when Mfa:Provider is Entra.";
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return "Mfa:Entra:ClientId is required when Mfa:Provider is Entra.";
        }

        if (CredentialProblem() is { } credential)
        {
            yield return credential;
        }

        foreach (var (name, value) in new[] { ("Instance", Instance), ("GraphBaseUrl", GraphBaseUrl) })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                yield return $"Mfa:Entra:{name} must be an https address.";
            }
        }

        if (MaxRetries is < 0 or > 10)
        {
            yield return "Mfa:Entra:MaxRetries must be between 0 and 10.";
        }

        if (RequestTimeout < TimeSpan.FromSeconds(1) || RequestTimeout > TimeSpan.FromMinutes(2))
        {
            yield return "Mfa:Entra:RequestTimeout must be between 00:00:01 and 00:02:00.";
        }

        if (CallTimeout < RequestTimeout || CallTimeout > TimeSpan.FromMinutes(5))
        {
            yield return "Mfa:Entra:CallTimeout must be at least Mfa:Entra:RequestTimeout and at most 00:05:00.";
        }
    }

    /// <summary>
    /// Loads the client certificate the settings name, with its private key; null when the app registration uses a secret.
    /// Throws <see cref="InvalidOperationException"/> with a sentence naming the setting when it cannot be used.
    /// </summary>
    internal X509Certificate2? LoadClientCertificate()
    {
        if (string.IsNullOrWhiteSpace(ClientCertificatePath) && string.IsNullOrWhiteSpace(ClientCertificateThumbprint))
        {
            return null;
        }

        var loaded = ClientCertificates.Load("Mfa:Entra", ClientCertificatePath, ClientCertificatePassword, ClientCertificateThumbprint);
        return loaded.Certificate ?? throw new InvalidOperationException(loaded.Problem);
    }

    private string? CredentialProblem()
    {
        var set = new[] { ("ClientSecret", ClientSecret), ("ClientCertificatePath", ClientCertificatePath), ("ClientCertificateThumbprint", ClientCertificateThumbprint) }
            .Where(c => !string.IsNullOrWhiteSpace(c.Item2))
            .Select(c => $"Mfa:Entra:{c.Item1}")
            .ToList();
        if (set.Count == 0)
        {
            return "Mfa:Entra needs a credential when Mfa:Provider is Entra: Mfa:Entra:ClientCertificatePath (a PFX file), Mfa:Entra:ClientCertificateThumbprint " +
                "(a certificate in the Windows certificate store) or Mfa:Entra:ClientSecret (in the environment, Mfa__Entra__ClientSecret, or user secrets).";
        }

        if (set.Count > 1)
        {
            return $"Mfa:Entra takes one credential, but {string.Join(" and ", set)} are {(set.Count == 2 ? "both" : "all")} set: keep only one.";
        }

        if (!string.IsNullOrEmpty(ClientCertificatePassword) && string.IsNullOrWhiteSpace(ClientCertificatePath))
        {
            return "Mfa:Entra:ClientCertificatePassword is the password of the PFX file in Mfa:Entra:ClientCertificatePath, which is not set.";
        }

        try
        {
            LoadClientCertificate()?.Dispose();
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }
}
