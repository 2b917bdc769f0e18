using System.Runtime.CompilerServices;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Domain.Diagnostics;

/// <summary>
/// Consistency across RRAS servers: servers behind one public name present one SSTP certificate, and every server holds the
/// untrusted set in its Disallowed store. The per-name grouping is built once per <see cref="FleetFacts"/>, so a fleet of
/// hundreds of servers is not rescanned for each server.
/// </summary>
public static class FleetRules
{
    /// <summary>The area every rule here reports under.</summary>
    public const string Area = "Fleet";

    /// <summary>Servers behind one public name present different SSTP certificates.</summary>
    public const string SstpCertificateDiffersId = "fleet.sstp-certificate-differs";

    /// <summary>A certificate of the untrusted set is missing from a server's Disallowed store.</summary>
    public const string UntrustedMissingId = "fleet.untrusted-missing";

    /// <summary>The fleet rules, in the order they are shown.</summary>
    public static IReadOnlyList<DiagnosticRule> Rules { get; } =
    [
        new(SstpCertificateDiffersId, Area, "Servers behind one name use different SSTP certificates", SstpCertificateDiffers),
        new(UntrustedMissingId, Area, "Untrusted certificate missing from Disallowed", UntrustedMissing),
    ];

    /// <summary>The most differing servers a finding lists by name.</summary>
    public const int MaxPeersShown = 20;

    // Keyed by reference: a FleetFacts is built once per evaluation and dropped with it.
    private static readonly ConditionalWeakTable<FleetFacts, FleetIndex> Indexes = new();

    /// <summary>
    /// The SSTP certificate a server presents, as SHA-1: the configured one, else the hash bound to 0.0.0.0 on the listener
    /// port (or any IPv4 SSTP binding). Null when neither is reported.
    /// </summary>
    public static string? SstpCertificateSha1(ServerFacts server)
    {
        if (Thumbprints.Normalize(server.ConfiguredSstpSha1) is { } configured)
        {
            return configured;
        }

        var port = server.ListenerPort ?? server.ExpectedListenerPort;
        var ipv4 = server.Bindings.Where(b => !b.IpPort.StartsWith('[')).ToList();
        var binding = ipv4.FirstOrDefault(b => b.IpPort == $"0.0.0.0:{port}")
            ?? ipv4.FirstOrDefault(b => b.ApplicationId == FleetFacts.SstpApplicationId);
        return Thumbprints.Normalize(binding?.CertificateHash);
    }

    private static IEnumerable<Finding> SstpCertificateDiffers(ServerFacts server, FleetFacts fleet)
    {
        if (!server.IsRras || !server.SstpEnabled || SstpCertificateSha1(server) is not { } own)
        {
            yield break;
        }

        var index = Indexes.GetValue(fleet, f => new FleetIndex(f));
        var others = new List<(string Fqdn, SstpServer Peer)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { server.Name };
        foreach (var fqdn in server.PublicFqdns.Select(FleetIndex.NameKey).Where(n => n.Length > 0).Distinct())
        {
            foreach (var peer in index.SstpByPublicName.GetValueOrDefault(fqdn, []))
            {
                if (peer.Sha1 != own && seen.Add(peer.Name))
                {
                    others.Add((fqdn, peer));
                }
            }
        }

        if (others.Count == 0)
        {
            yield break;
        }

        var group = index.SstpByPublicName[others[0].Fqdn];
        var common = index.CommonSha1[others[0].Fqdn];
        var steps = new List<string>();
        if (common != own)
        {
            steps.Add($"On {server.Name}, after importing that certificate into Local Computer\\Personal: Set-RemoteAccess -SslCertificate (Get-Item Cert:\\LocalMachine\\My\\{common})");
            steps.Add($"On {server.Name}: Restart-Service RemoteAccess (this ends the server's current VPN sessions)");
        }
        else
        {
            var stragglers = group.Where(p => p.Sha1 != common).Select(p => p.Name);
            steps.Add($"{server.Name} uses the certificate most servers behind {others[0].Fqdn} use; put {common} on {string.Join(", ", stragglers)}: Set-RemoteAccess -SslCertificate (Get-Item Cert:\\LocalMachine\\My\\{common}), then Restart-Service RemoteAccess");
        }

        steps.Add("Or run an SSTP certificate rollout from the portal for every server behind the name, so they change together");

        var evidence = new List<Evidence> { new($"{server.Name} (this server)", own) };
        evidence.AddRange(others.Take(MaxPeersShown).Select(o => new Evidence($"{o.Peer.Name} ({o.Fqdn})", o.Peer.Sha1)));
        if (others.Count > MaxPeersShown)
        {
            // A name with hundreds of differing servers stays readable, and the evaluation stays linear in practice.
            evidence.Add(new Evidence("Other servers", $"{others.Count - MaxPeersShown} more use other certificates"));
        }
        yield return new Finding(
            SstpCertificateDiffersId,
            FindingSeverity.Warning,
            "Servers behind one name use different SSTP certificates",
            $"{server.Name} presents SSTP certificate {own}, but {string.Join(", ", others.Select(o => o.Peer.Name))} behind the same public name present another, so clients get a different certificate depending on where the load balancer sends them.",
            evidence,
            steps);
    }

    private static IEnumerable<Finding> UntrustedMissing(ServerFacts server, FleetFacts fleet)
    {
        if (!server.IsRras || fleet.UntrustedSha1.Count == 0)
        {
            yield break;
        }

        var disallowed = server.Certificates
            .Where(c => c.Store == StoreKind.Disallowed)
            .Select(c => Thumbprints.Normalize(c.Sha1Thumbprint))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var index = Indexes.GetValue(fleet, f => new FleetIndex(f));
        foreach (var sha1 in index.Untrusted.Where(t => !disallowed.Contains(t)))
        {
            yield return new Finding(
                UntrustedMissingId,
                FindingSeverity.Warning,
                "Untrusted certificate missing from Disallowed",
                $"The untrusted certificate {sha1} is not in the Untrusted Certificates store on {server.Name}, so a device denied elsewhere can still connect through this server until revocation catches up.",
                [
                    new("Untrusted certificate", sha1),
                    new("In Disallowed on this server", "no"),
                    new("Certificates in Disallowed on this server", disallowed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ],
                [
                    $"Let the portal's untrust job converge {server.Name} (it imports the untrusted set on every RRAS server), or by hand on {server.Name}:",
                    $"Import-Certificate -FilePath \"C:\\Temp\\{sha1}.cer\" -CertStoreLocation Cert:\\LocalMachine\\Disallowed",
                    $"Check: Test-Path Cert:\\LocalMachine\\Disallowed\\{sha1}",
                ],
                Key: sha1);
        }
    }

    private sealed record SstpServer(string Name, string Sha1);

    /// <summary>What the fleet rules look up per server, built once per fleet.</summary>
    private sealed class FleetIndex
    {
        public FleetIndex(FleetFacts fleet)
        {
            var byName = new Dictionary<string, List<SstpServer>>(StringComparer.Ordinal);
            foreach (var server in fleet.Servers.Where(s => s.IsRras && s.SstpEnabled && s.LastReportAt is not null))
            {
                if (SstpCertificateSha1(server) is not { } sha1)
                {
                    continue;
                }

                foreach (var name in server.PublicFqdns.Select(NameKey).Where(n => n.Length > 0).Distinct())
                {
                    if (!byName.TryGetValue(name, out var list))
                    {
                        byName[name] = list = [];
                    }

                    list.Add(new SstpServer(server.Name, sha1));
                }
            }

            SstpByPublicName = byName.ToDictionary(p => p.Key, p => (IReadOnlyList<SstpServer>)p.Value, StringComparer.Ordinal);

            // The certificate most of a name's servers use is the one to converge on (ties: the lowest thumbprint, so the advice is stable).
            CommonSha1 = byName.ToDictionary(
                p => p.Key,
                p => p.Value.GroupBy(s => s.Sha1).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key,
                StringComparer.Ordinal);
            Untrusted = fleet.UntrustedSha1.Select(Thumbprints.Normalize).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        }

        public IReadOnlyDictionary<string, IReadOnlyList<SstpServer>> SstpByPublicName { get; }

        public IReadOnlyDictionary<string, string> CommonSha1 { get; }

        public IReadOnlyList<string> Untrusted { get; }

        public static string NameKey(string fqdn) => fqdn.Trim().TrimEnd('.').ToLowerInvariant();
    }
}
