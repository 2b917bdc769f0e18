using VpnPortal.Web.Security;

namespace VpnPortal.Web.AgentApi;

/// <summary>
/// Agent credentials: 256 random bits, handed out once at enrollment, stored as SHA-256; made and hashed like API
/// keys, with their own prefix so neither can be mistaken for the other.
/// </summary>
public static class AgentCredentials
{
    public const string Prefix = "vpa_";

    /// <summary>Longer values are refused before hashing: no credential is this long.</summary>
    public const int MaxLength = 100;

    public static string New() => Prefix + ApiKeySecrets.NewToken();

    public static byte[] Hash(string credential) => ApiKeySecrets.Hash(credential);
}

/// <summary>Claims of an authenticated agent's principal.</summary>
public static class AgentClaims
{
    public const string AgentId = "vpnportal:agent-id";
    public const string ServerId = "vpnportal:server-id";
    public const string Role = "vpnportal:agent-role";
}
