using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Web.Features.Servers;

/// <summary>What an admin types to add or edit an RRAS server by hand.</summary>
public sealed class RrasServerInput
{
    public string? Name { get; set; }
    public string? HostFqdn { get; set; }

    /// <summary>Public names clients dial, one per line or comma-separated.</summary>
    public string? PublicFqdns { get; set; }

    public string? Site { get; set; }
    public bool Sstp { get; set; } = true;
    public bool Ikev2 { get; set; } = true;
    public bool L2tp { get; set; }
    public bool Pptp { get; set; }
    public int SstpListenerPort { get; set; } = 443;
    public bool TlsOffload { get; set; }
    public string? LoadBalancerCertificateSha256 { get; set; }
    public string? Notes { get; set; }

    /// <summary>The version the admin started editing from; empty for a new server.</summary>
    public Guid Version { get; set; }

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

    /// <summary>Field errors keyed by property name; empty when the input is acceptable.</summary>
    public Dictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>();
        void Check(string field, string? error)
        {
            if (error is not null)
            {
                errors[field] = error;
            }
        }

        Check(nameof(Name), HostNames.ValidateHostName(Name));
        if (!string.IsNullOrWhiteSpace(HostFqdn))
        {
            Check(nameof(HostFqdn), HostNames.ValidateFqdn(HostFqdn, "The server's DNS name"));
        }

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
            foreach (var n in publicNames)
            {
                var error = HostNames.ValidateFqdn(n, "The public name");
                if (error is not null)
                {
                    errors[nameof(PublicFqdns)] = error;
                    break;
                }
            }
        }

        Check(nameof(Site), TextField(Site, FieldLimits.Name, "The site"));
        Check(nameof(Notes), TextField(Notes, FieldLimits.Notes, "The notes", allowNewLines: true));
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

        return errors;
    }

    internal static string? TextField(string? value, int max, string what, bool allowNewLines = false)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > max)
        {
            return $"{what} may have at most {max} characters (it has {value.Length}).";
        }

        return value.Any(c => char.IsControl(c) && !(allowNewLines && c is '\n' or '\r' or '\t'))
            ? $"{what} contains control characters."
            : null;
    }
}
