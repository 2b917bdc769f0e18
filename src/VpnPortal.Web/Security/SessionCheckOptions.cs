namespace VpnPortal.Web.Security;

/// <summary>How often a signed-in session is checked against the account ("Security:SessionCheckInterval").</summary>
public sealed class SessionCheckOptions
{
    public const string Section = "Security";

    public static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);

    /// <summary>
    /// One interval for the sign-in cookie and for open Blazor circuits: sign out everywhere, a disabled account,
    /// a changed role or password sign-in switched off reach both within it.
    /// </summary>
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    public static void Add(IServiceCollection services) =>
        services.AddOptions<SessionCheckOptions>().BindConfiguration(Section)
            .Validate(
                o => o.SessionCheckInterval > TimeSpan.Zero && o.SessionCheckInterval <= MaxInterval,
                $"Security:SessionCheckInterval must be longer than zero and at most {MaxInterval:c}.")
            .ValidateOnStart();
}
