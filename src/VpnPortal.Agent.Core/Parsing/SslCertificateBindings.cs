using System.Globalization;
using System.Text.RegularExpressions;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Parsing;

/// <summary>What an HTTP.sys SSL binding is keyed by; only <see cref="IpPort"/> bindings are SSTP listener bindings.</summary>
public enum SslBindingKeyKind
{
    /// <summary><c>IP:port</c>, e.g. <c>0.0.0.0:443</c> or <c>[::]:443</c>.</summary>
    IpPort,

    /// <summary><c>Hostname:port</c> (SNI, Server 2012 and later), e.g. <c>vpn.corp.example:443</c>.</summary>
    HostnamePort,

    /// <summary><c>Central Certificate Store</c> (IIS CCS), keyed by port only; it carries no certificate hash.</summary>
    CentralCertificateStore,
}

/// <summary>One binding of <c>netsh http show sslcert</c>, whatever it is keyed by.</summary>
public sealed record SslCertificateBinding
{
    public required SslBindingKeyKind KeyKind { get; init; }

    /// <summary>The key as netsh prints it: "0.0.0.0:443", "[::]:443", "vpn.corp.example:443", or "443" for the CCS.</summary>
    public required string Key { get; init; }

    /// <summary>The port of the key.</summary>
    public required int Port { get; init; }

    /// <summary>SHA-1 thumbprint, upper-case hex; null only for a Central Certificate Store binding.</summary>
    public string? CertificateHash { get; init; }

    public required Guid ApplicationId { get; init; }

    /// <summary>null when netsh shows "(null)" or nothing.</summary>
    public string? CertificateStoreName { get; init; }

    /// <summary>The 1-based line where the binding starts in the raw output.</summary>
    public required int Line { get; init; }

    /// <summary>The other fields (e.g. "Negotiate Client Certificate", "Disable HTTP2"), as printed.</summary>
    public IReadOnlyDictionary<string, string> OtherFields { get; init; } = new Dictionary<string, string>();

    /// <summary>The wire form; only for <see cref="SslBindingKeyKind.IpPort"/> bindings.</summary>
    public ReportedSslBinding ToReported() => KeyKind == SslBindingKeyKind.IpPort && CertificateHash is not null
        ? new ReportedSslBinding
        {
            IpPort = Key,
            CertificateHash = CertificateHash,
            ApplicationId = ApplicationId,
            CertificateStoreName = CertificateStoreName,
        }
        : throw new InvalidOperationException($"The binding on '{Key}' is keyed by {KeyKind}, not by IP:port.");
}

/// <summary>
/// Reads the text of <c>netsh http show sslcert</c>. Two layouts exist: Server 2012 R2 prints only IP:port bindings with
/// about a dozen fields; Server 2016 and later add fields (Reject Connections, Disable HTTP2, Disable QUIC, ...) and
/// bindings keyed by <c>Hostname:port</c> or <c>Central Certificate Store</c>. Each binding is a block of
/// "Name   : value" lines that starts with its key line. Fields this parser does not know are kept, not rejected, so a new
/// Windows release does not break reporting; a block without a key, hash or application ID is an error.
/// </summary>
/// <remarks>
/// netsh prints its labels in the system's display language; this parser reads the English labels (those of every
/// en-US Windows Server image). A localized server fails with an error naming the first unknown line.
/// </remarks>
public static partial class SslCertificateBindings
{
    public const string Source = "netsh http show sslcert";

    private const string IpPortKey = "IP:port";
    private const string HostnamePortKey = "Hostname:port";
    private const string CentralStoreKey = "Central Certificate Store";
    private const string HashField = "Certificate Hash";
    private const string AppIdField = "Application ID";
    private const string StoreField = "Certificate Store Name";

    /// <summary>Every binding in the output, in order.</summary>
    public static IReadOnlyList<SslCertificateBinding> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lines = output.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var bindings = new List<SslCertificateBinding>();
        Block? block = null;

        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0 || IsHeader(line))
            {
                continue;
            }

            var match = FieldLine().Match(line);
            if (!match.Success)
            {
                throw new OutputFormatException(Source, $"expected 'Name : value', found '{Shorten(line)}'", number);
            }

            var name = match.Groups["name"].Value.Trim();
            var value = match.Groups["value"].Value.Trim();
            if (KeyKindOf(name) is { } kind)
            {
                if (block is not null)
                {
                    bindings.Add(block.Finish());
                }

                block = new Block(kind, value, number);
                continue;
            }

            if (block is null)
            {
                throw new OutputFormatException(Source, "a field appears before any 'IP:port', 'Hostname:port' or 'Central Certificate Store' line", number, name);
            }

            block.Add(name, value, number);
        }

        if (block is not null)
        {
            bindings.Add(block.Finish());
        }

        return bindings;
    }

    /// <summary>The IP:port bindings on <paramref name="port"/> (the SSTP listener's IPv4 and IPv6 bindings, and anything else bound there).</summary>
    public static IReadOnlyList<ReportedSslBinding> IpBindingsOnPort(IEnumerable<SslCertificateBinding> bindings, int port) =>
        bindings.Where(b => b.KeyKind == SslBindingKeyKind.IpPort && b.Port == port).Select(b => b.ToReported()).ToList();

    // The banner ("SSL Certificate bindings:") and its underline. The banner is the only line with a colon not preceded by blanks.
    private static bool IsHeader(string line) =>
        line.StartsWith("SSL Certificate bindings", StringComparison.OrdinalIgnoreCase) || line.All(c => c == '-');

    private static SslBindingKeyKind? KeyKindOf(string name) => name switch
    {
        _ when name.Equals(IpPortKey, StringComparison.OrdinalIgnoreCase) => SslBindingKeyKind.IpPort,
        _ when name.Equals(HostnamePortKey, StringComparison.OrdinalIgnoreCase) => SslBindingKeyKind.HostnamePort,
        _ when name.Equals(CentralStoreKey, StringComparison.OrdinalIgnoreCase) => SslBindingKeyKind.CentralCertificateStore,
        _ => null,
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    // "Name<blanks>: value". The name may itself contain a colon ("IP:port"), the value too ("[::]:443"); the separator is
    // the first colon preceded by a blank. A field with an empty value ends with the colon.
    [GeneratedRegex(@"^(?<name>\S.*?)\s+:(?:\s+(?<value>.*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldLine();

    [GeneratedRegex(@"^[0-9A-Fa-f]{40}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha1Hex();

    private sealed class Block(SslBindingKeyKind kind, string key, int line)
    {
        private readonly Dictionary<string, (string Value, int Line)> fields = new(StringComparer.OrdinalIgnoreCase);

        public void Add(string name, string value, int number)
        {
            if (!fields.TryAdd(name, (value, number)))
            {
                throw new OutputFormatException(Source, $"the binding on '{key}' (line {line}) has this field twice", number, name);
            }
        }

        public SslCertificateBinding Finish()
        {
            var port = ParsePort();
            var hash = ReadHash();
            var appId = ReadApplicationId();
            var store = fields.TryGetValue(StoreField, out var s) && !IsNull(s.Value) ? s.Value : null;
            var others = fields
                .Where(f => !f.Key.Equals(HashField, StringComparison.OrdinalIgnoreCase)
                    && !f.Key.Equals(AppIdField, StringComparison.OrdinalIgnoreCase)
                    && !f.Key.Equals(StoreField, StringComparison.OrdinalIgnoreCase))
                .ToDictionary(f => f.Key, f => f.Value.Value, StringComparer.OrdinalIgnoreCase);

            return new SslCertificateBinding
            {
                KeyKind = kind,
                Key = key,
                Port = port,
                CertificateHash = hash,
                ApplicationId = appId,
                CertificateStoreName = store,
                Line = line,
                OtherFields = others,
            };
        }

        private int ParsePort()
        {
            var field = kind switch
            {
                SslBindingKeyKind.IpPort => IpPortKey,
                SslBindingKeyKind.HostnamePort => HostnamePortKey,
                _ => CentralStoreKey,
            };

            // The port follows the last colon; for the CCS the whole value is the port. "[::]:443" and "0.0.0.0:443" alike.
            var colon = key.LastIndexOf(':');
            var portText = kind == SslBindingKeyKind.CentralCertificateStore ? key : colon > 0 ? key[(colon + 1)..] : "";
            if (kind == SslBindingKeyKind.IpPort && colon > 0)
            {
                var address = key[..colon];
                var bare = address.StartsWith('[') && address.EndsWith(']') ? address[1..^1] : address;
                if (!System.Net.IPAddress.TryParse(bare, out _))
                {
                    throw new OutputFormatException(Source, $"'{key}' is not an IP address and port", line, field);
                }
            }
            else if (kind == SslBindingKeyKind.HostnamePort && colon <= 0)
            {
                throw new OutputFormatException(Source, $"'{key}' is not a host name and port", line, field);
            }

            return int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
                ? port
                : throw new OutputFormatException(Source, $"'{key}' has no valid port (1-65535)", line, field);
        }

        private string? ReadHash()
        {
            if (!fields.TryGetValue(HashField, out var hash) || IsNull(hash.Value))
            {
                // The CCS binding takes its certificate from the central store by host name, so it has none of its own.
                return kind == SslBindingKeyKind.CentralCertificateStore
                    ? null
                    : throw new OutputFormatException(Source, $"the binding on '{key}' (line {line}) has no certificate hash", fields.TryGetValue(HashField, out var h) ? h.Line : line, HashField);
            }

            return Sha1Hex().IsMatch(hash.Value)
                ? hash.Value.ToUpperInvariant()
                : throw new OutputFormatException(Source, $"'{Shorten(hash.Value)}' is not a SHA-1 hash (40 hex digits)", hash.Line, HashField);
        }

        private Guid ReadApplicationId()
        {
            if (!fields.TryGetValue(AppIdField, out var appId))
            {
                throw new OutputFormatException(Source, $"the binding on '{key}' (line {line}) has no application ID", line, AppIdField);
            }

            return Guid.TryParseExact(appId.Value, "B", out var guid) || Guid.TryParseExact(appId.Value, "D", out guid)
                ? guid
                : throw new OutputFormatException(Source, $"'{Shorten(appId.Value)}' is not a GUID", appId.Line, AppIdField);
        }

        private static bool IsNull(string value) => value.Length == 0 || value.Equals("(null)", StringComparison.OrdinalIgnoreCase);
    }
}
