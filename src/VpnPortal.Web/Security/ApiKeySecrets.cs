using System.Security.Cryptography;
using System.Text;

namespace VpnPortal.Web.Security;

/// <summary>API keys: 256 random bits, shown once, stored as SHA-256 (a fast hash is right for random keys).</summary>
public static class ApiKeySecrets
{
    public const string KeyPrefix = "vpk_";

    public static string NewKey() => KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>What lists show so a key can be recognised: "vpk_AbCd…".</summary>
    public static string DisplayPrefix(string key) => key[..Math.Min(key.Length, KeyPrefix.Length + 6)];

    /// <summary>A random URL-safe token for one-time links (setup, enrollment).</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
