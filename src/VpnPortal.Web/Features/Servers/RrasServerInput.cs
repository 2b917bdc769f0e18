using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Web.Features.Servers;

/// <summary>What an admin types to add or edit an RRAS server by hand.</summary>
public sealed class RrasServerInput : ServerInput
{
    /// <summary>Public names clients dial, one per line or comma-separated.</summary>
    public string? PublicFqdns { get; set; }

    public bool Sstp { get; set; } = true;
    public bool Ikev2 { get; set; } = true;
    public bool L2tp { get; set; }
    public bool Pptp { get; set; }
    public int SstpListenerPort { get; set; } = 443;
    public bool TlsOffload { get; set; }
    public string? LoadBalancerCertificateSha256 { get; set; }

    public VpnProtocols Protocols =>
        (Sstp ? VpnProtocols.Sstp : 0) | (Ikev2 ? VpnProtocols.Ikev2 : 0) | (L2tp ? VpnProtocols.L2tp : 0) | (Pptp ? VpnProtocols.Pptp : 0);

    public List<string> PublicFqdnList() =>
        (PublicFqdns ?? "").Split([',', ';', '\n', '\r', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(HostNames.Normalize).Distinct().ToList();

    public static RrasServerInput From(RrasServer s) => new()
    {
        Name = s.Name,
        HostFqdn = s.HostFqdn,
        PublicFqdns = string.Join(Environment.NewLine, s.PublicFqdns),
        Site = s.Site,
        Sstp = s.Protocols.HasFlag(VpnProtocols.Sstp),
        Ikev2 = s.Protocols.HasFlag(VpnProtocols.Ikev2),
        L2tp = s.Protocols.HasFlag(VpnProtocols.L2tp),
        Pptp = s.Protocols.HasFlag(VpnProtocols.Pptp),
        SstpListenerPort = s.SstpListenerPort,
        TlsOffload = s.TlsOffload,
        LoadBalancerCertificateSha256 = s.LoadBalancerCertificateSha256,
        Notes = s.Notes,
        Version = s.Version,
    };

    protected override void ValidateRoleFields(Dictionary<string, string> errors)
    {
        var publicNames = PublicFqdnList();
        if (publicNames.Count == 0)
        {
            errors[nameof(PublicFqdns)] = "Enter at least one public name clients dial, e.g. vpn.corp.example.";
        }
        else if (publicNames.Count > FieldLimits.MaxPublicFqdns)
        {
            errors[nameof(PublicFqdns)] = $"At most {FieldLimits.MaxPublicFqdns} public names.";
        }
        else
        {
            Add(errors, nameof(PublicFqdns), publicNames.Select(n => HostNames.ValidateFqdn(n, "The public name")).FirstOrDefault(e => e is not null));
        }

        if (Protocols == VpnProtocols.None)
        {
            errors[nameof(Sstp)] = "Choose at least one VPN protocol.";
        }

        if (SstpListenerPort is < 1 or > 65535)
        {
            errors[nameof(SstpListenerPort)] = "The SSTP listener port must be between 1 and 65535 (default 443).";
        }

        if (!string.IsNullOrWhiteSpace(LoadBalancerCertificateSha256))
        {
            var hash = Thumbprints.Normalize(LoadBalancerCertificateSha256);
            if (hash is null || hash.Length != 64)
            {
                errors[nameof(LoadBalancerCertificateSha256)] = "Enter the SHA-256 hash as 64 hexadecimal characters (spaces and colons are ignored).";
            }
        }
    }
}
