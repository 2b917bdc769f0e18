namespace VpnPortal.Web.Features.Account;

/// <summary>Only local paths are followed after sign-in: no open redirects.</summary>
public static class LocalReturnUrl
{
    public static string Or(string? url, string fallback) => IsLocal(url) ? url! : fallback;

    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);
}
