using System.Runtime.CompilerServices;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Domain.Diagnostics;

/// <summary>
/// What the SSTP, certificate and TLS offload rules read from one RRAS server, worked out once per server and evaluation
/// time: the listener's port, its IPv4 and IPv6 HTTP.sys bindings, the certificates RRAS could pick, and the certificate in
/// use. Thumbprints here are normalised (upper-case hex without separators), so rules compare them with plain equality.
/// </summary>
public sealed class SstpListenerFacts
{
    /// <summary>The SSTP PowerShell/netsh application id, in the braces netsh expects.</summary>
    public const string SstpAppId = "{ba195980-cd49-458b-9e23-c84ee0adcd75}";

    /// <summary>The registry key that holds ListenerPort, UseHttps and SHA256CertificateHash.</summary>
    public const string ParametersKey = @"HKLM:\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters";

    // Each rule asks for these; a fleet evaluation runs a dozen rules per server, so the certificate checks run once.
    private static readonly ConditionalWeakTable<ServerFacts, SstpListenerFacts> Cache = new();

    private readonly DateTimeOffset now;
    private readonly Dictionary<string, StoredCertificate> bySha1;

    private SstpListenerFacts(ServerFacts server, DateTimeOffset now)
    {
        this.now = now;
        Port = server.ListenerPort ?? server.ExpectedListenerPort;
        ConfiguredSha1 = Thumbprints.Normalize(server.ConfiguredSstpSha1);
        ListensWithTls = !(server.TlsOffload && server.UseHttps == false);

        var foreign = new List<BindingFacts>();
        foreach (var binding in server.Bindings)
        {
            if (!TryParseIpPort(binding.IpPort, out var host, out var port) || port != Port)
            {
                continue;
            }

            if (host == "0.0.0.0")
            {
                Ipv4 ??= binding;
            }
            else if (host == "[::]")
            {
                Ipv6 ??= binding;
            }

            if (binding.ApplicationId != FleetFacts.SstpApplicationId)
            {
                foreign.Add(binding);
            }
        }

        ForeignBindings = foreign;
        Ipv4Hash = Ipv4 is null ? null : Thumbprints.Normalize(Ipv4.CertificateHash);
        Ipv6Hash = Ipv6 is null ? null : Thumbprints.Normalize(Ipv6.CertificateHash);

        bySha1 = new Dictionary<string, StoredCertificate>(StringComparer.Ordinal);
        var valid = new List<StoredCertificate>();
        foreach (var certificate in server.Certificates)
        {
            if (Thumbprints.Normalize(certificate.Sha1Thumbprint) is not { } sha1)
            {
                continue;
            }

            // A copy in Personal is the one HTTP.sys and RRAS can use; another store's copy is kept only when there is none.
            if (certificate.Store == StoreKind.My || !bySha1.ContainsKey(sha1))
            {
                bySha1[sha1] = certificate;
            }

            // The MFA extension's certificate has a key and no EKU, so RRAS could bind it, but clients refuse a self-signed
            // certificate named after the tenant: it is never one to recommend or to count as a choice.
            if (certificate.Store == StoreKind.My && CertificateFitness.Sstp(certificate.Facts, now).Fit && !server.IsMfaExtensionCertificate(certificate))
            {
                valid.Add(certificate);
            }
        }

        ValidCertificates = valid;
        InUseSha1 = ConfiguredSha1 ?? Ipv4Hash ?? Ipv6Hash;
        InUse = InUseSha1 is null ? null : Find(InUseSha1);
    }

    /// <summary>The port SSTP listens on: the reported ListenerPort, else the one the server record expects.</summary>
    public int Port { get; }

    /// <summary>The certificate RRAS is configured to use (normalised SHA-1), or null when it picks one itself.</summary>
    public string? ConfiguredSha1 { get; }

    /// <summary>False when TLS ends on the load balancer and RRAS is set to "Use HTTP": there is no TLS binding to judge then.</summary>
    public bool ListensWithTls { get; }

    /// <summary>The HTTP.sys binding on 0.0.0.0:<see cref="Port"/>, whatever application made it.</summary>
    public BindingFacts? Ipv4 { get; }

    /// <summary>The HTTP.sys binding on [::]:<see cref="Port"/>, whatever application made it.</summary>
    public BindingFacts? Ipv6 { get; }

    /// <summary>The normalised hash of <see cref="Ipv4"/>.</summary>
    public string? Ipv4Hash { get; }

    /// <summary>The normalised hash of <see cref="Ipv6"/>.</summary>
    public string? Ipv6Hash { get; }

    /// <summary>Bindings on the SSTP port made by another application (IIS, usually).</summary>
    public IReadOnlyList<BindingFacts> ForeignBindings { get; }

    /// <summary>
    /// Certificates in Local Computer\Personal that RRAS could pick for the listener (EKU, private key, validity), the Azure
    /// MFA NPS extension's left out.
    /// </summary>
    public IReadOnlyList<StoredCertificate> ValidCertificates { get; }

    /// <summary>The SHA-1 of the SSTP certificate in use: the configured one, else the bound one.</summary>
    public string? InUseSha1 { get; }

    /// <summary>The reported certificate with <see cref="InUseSha1"/>, or null when the server did not report it.</summary>
    public StoredCertificate? InUse { get; }

    /// <summary>The facts of <paramref name="server"/> at <paramref name="fleet"/>'s time (computed once and kept while the server is).</summary>
    public static SstpListenerFacts Of(ServerFacts server, FleetFacts fleet)
    {
        if (Cache.TryGetValue(server, out var cached) && cached.now == fleet.Now)
        {
            return cached;
        }

        var facts = new SstpListenerFacts(server, fleet.Now);
        Cache.AddOrUpdate(server, facts);
        return facts;
    }

    /// <summary>The reported certificate with this normalised SHA-1 (the Personal copy when there is one), or null.</summary>
    public StoredCertificate? Find(string sha1) => bySha1.GetValueOrDefault(sha1);

    /// <summary>"0.0.0.0:443"-style text for this port.</summary>
    public string Ipv4IpPort => $"0.0.0.0:{Port}";

    /// <summary>"[::]:443"-style text for this port.</summary>
    public string Ipv6IpPort => $"[::]:{Port}";

    /// <summary>Splits "host:port" (IPv6 hosts in brackets); the host is lower-cased.</summary>
    public static bool TryParseIpPort(string ipPort, out string host, out int port)
    {
        var text = ipPort.Trim();
        var colon = text.LastIndexOf(':');
        host = colon > 0 ? text[..colon].ToLowerInvariant() : "";
        port = 0;
        return colon > 0 && int.TryParse(text.AsSpan(colon + 1), out port);
    }

    /// <summary>A hash for evidence: the normalised value, or "(none)".</summary>
    public static string Show(string? hash) => hash ?? "(none)";
}
