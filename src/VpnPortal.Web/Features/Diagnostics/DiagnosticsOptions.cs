using System.ComponentModel.DataAnnotations;

namespace VpnPortal.Web.Features.Diagnostics;

/// <summary>
/// The diagnostics pass (section "Diagnostics"), and the first values of the fleet settings the rules need: once an
/// admin saves those on the Diagnostics settings page, the database's copy is used instead.
/// </summary>
public sealed class DiagnosticsOptions
{
    public const string Section = "Diagnostics";

    /// <summary>The names in the clients' EAP "Connect to these servers" list; empty skips that check.</summary>
    public List<string> EapServerNames { get; set; } = [];

    /// <summary>Users answer phone-call MFA behind RADIUS, so RRAS's RADIUS timeout must be at least 60 s.</summary>
    public bool PhoneCallMfa { get; set; }

    /// <summary>Subjects of the CAs issuing the fleet's user and device certificates (they must be in NTAuth); empty skips that check.</summary>
    public List<string> ClientCertificateIssuers { get; set; } = [];

    /// <summary>SHA-256 of the certificate each site's load balancer presents, by site name.</summary>
    public Dictionary<string, string> LoadBalancerCertificates { get; set; } = [];

    /// <summary>Evaluations run at most this often however many reports arrive (each looks at the whole fleet).</summary>
    [Range(1, 600)]
    public int MinSecondsBetweenEvaluations { get; set; } = 5;

    /// <summary>A full evaluation also runs this often without reports (expiry moves on with time alone).</summary>
    [Range(10, 86400)]
    public int SweepSeconds { get; set; } = 300;
}
