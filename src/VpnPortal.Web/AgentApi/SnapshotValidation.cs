using System.Net;
using System.Security.Cryptography;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Web.AgentApi;

/// <summary>One thing wrong with a snapshot: the JSON path of the field and what is wrong with it.</summary>
public sealed record SnapshotError(string Field, string Message);

/// <summary>
/// The checks a snapshot passes before anything of it is written: beyond well-formed JSON (the serializer checks
/// types and required fields), values must be plausible for a real server. The first error is reported.
/// </summary>
public static class SnapshotValidation
{
    /// <summary>Agents' clocks drift; further ahead than this is a broken clock or a forged report.</summary>
    public static readonly TimeSpan MaxClockAhead = TimeSpan.FromMinutes(10);

    public const int MaxSessions = 20_000;
    public const int MaxCertificates = 5_000;
    public const int MaxBindings = 64;
    public const int MaxRadiusServers = 64;
    public const int MaxCertificateBytes = 64 * 1024;
    public const int MaxAddressLength = 64;

    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static SnapshotError? Validate(AgentSnapshot s, ServerRole role, string enrolledMachineName, DateTimeOffset now)
    {
        var latest = now + MaxClockAhead;
        return Check(s.Sequence > 0, "$.sequence", "must be a positive number")
            ?? Time(s.TakenAt, "$.takenAt", latest)
            ?? Text(s.MachineName, "$.machineName", FieldLimits.HostName, required: true)
            ?? Check(string.Equals(s.MachineName.Trim(), enrolledMachineName, StringComparison.OrdinalIgnoreCase), "$.machineName",
                $"is '{s.MachineName}', but this agent enrolled as '{enrolledMachineName}'; a renamed server must be enrolled again")
            ?? Text(s.HostFqdn, "$.hostFqdn", FieldLimits.Fqdn)
            ?? Text(s.AgentVersion, "$.agentVersion", 64, required: true)
            ?? RoleParts(s, role)
            ?? (s.Rras is null ? null : Rras(s.Rras, now, latest))
            ?? (s.Nps is null ? null : Nps(s.Nps))
            ?? Certificates(s.Certificates);
    }

    private static SnapshotError? RoleParts(AgentSnapshot s, ServerRole role) => role switch
    {
        ServerRole.Rras => Check(s.Rras is not null, "$.rras", "is required from an RRAS server's agent")
            ?? Check(s.Nps is null, "$.nps", "must be absent: this agent enrolled for an RRAS server"),
        _ => Check(s.Nps is not null, "$.nps", "is required from an NPS server's agent")
            ?? Check(s.Rras is null, "$.rras", "must be absent: this agent enrolled for an NPS server"),
    };

    private static SnapshotError? Rras(RrasState r, DateTimeOffset now, DateTimeOffset latest)
    {
        var error = Check(r.Sessions.Count <= MaxSessions, "$.rras.sessions", $"has {r.Sessions.Count} entries; at most {MaxSessions} are accepted")
            ?? Summary(r.Summary)
            ?? Check(r.SslBindings.Count <= MaxBindings, "$.rras.sslBindings", $"has {r.SslBindings.Count} entries; at most {MaxBindings} are accepted")
            ?? Check(r.RadiusServers.Count <= MaxRadiusServers, "$.rras.radiusServers", $"has {r.RadiusServers.Count} entries; at most {MaxRadiusServers} are accepted")
            ?? Port(r.Sstp.ListenerPort, "$.rras.sstp.listenerPort")
            ?? Hash(r.Sstp.Sha256CertificateHash, "$.rras.sstp.sha256CertificateHash", 64, required: false)
            ?? Hash(r.ConfiguredSstpCertificateSha1, "$.rras.configuredSstpCertificateSha1", 40, required: false);
        if (error is not null)
        {
            return error;
        }

        for (var i = 0; i < r.Sessions.Count; i++)
        {
            if (Session(r.Sessions[i], $"$.rras.sessions[{i}]", now, latest) is { } sessionError)
            {
                return sessionError;
            }
        }

        for (var i = 0; i < r.SslBindings.Count; i++)
        {
            var b = r.SslBindings[i];
            var path = $"$.rras.sslBindings[{i}]";
            error = IpPort(b.IpPort, path + ".ipPort")
                ?? Hash(b.CertificateHash, path + ".certificateHash", 40, required: true)
                ?? Text(b.CertificateStoreName, path + ".certificateStoreName", 64);
            if (error is not null)
            {
                return error;
            }
        }

        var duplicateBinding = r.SslBindings.GroupBy(b => b.IpPort.Trim(), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicateBinding is not null)
        {
            return new SnapshotError("$.rras.sslBindings", $"lists {duplicateBinding.Key} more than once");
        }

        for (var i = 0; i < r.RadiusServers.Count; i++)
        {
            var radius = r.RadiusServers[i];
            var path = $"$.rras.radiusServers[{i}]";
            error = Text(radius.Address, path + ".address", FieldLimits.Fqdn, required: true)
                ?? Port(radius.Port, path + ".port")
                ?? Check(radius.TimeoutSeconds is >= 1 and <= 3600, path + ".timeoutSeconds", $"is {radius.TimeoutSeconds}; RADIUS timeouts are 1 to 3600 seconds")
                ?? Check(radius.Priority is >= 0 and <= 1000, path + ".priority", $"is {radius.Priority}; expected 0 to 1000");
            if (error is not null)
            {
                return error;
            }
        }

        var duplicateRadius = r.RadiusServers.GroupBy(x => (x.Address.Trim().ToLowerInvariant(), x.Port)).FirstOrDefault(g => g.Count() > 1);
        return duplicateRadius is null ? null : new SnapshotError("$.rras.radiusServers", $"lists {duplicateRadius.Key.Item1}:{duplicateRadius.Key.Port} more than once");
    }

    private static SnapshotError? Summary(ConnectionSummary c) =>
        NonNegative(c.TotalConnections, "$.rras.summary.totalConnections")
        ?? NonNegative(c.TotalVpnConnections, "$.rras.summary.totalVpnConnections")
        ?? NonNegative(c.TotalDaConnections, "$.rras.summary.totalDaConnections")
        ?? NonNegative(c.TotalUniqueUsers, "$.rras.summary.totalUniqueUsers")
        ?? NonNegative(c.MaxConcurrentConnections, "$.rras.summary.maxConcurrentConnections")
        ?? NonNegative(c.TotalCumulativeConnections, "$.rras.summary.totalCumulativeConnections")
        ?? NonNegative(c.TotalBytesIn, "$.rras.summary.totalBytesIn")
        ?? NonNegative(c.TotalBytesOut, "$.rras.summary.totalBytesOut");

    private static SnapshotError? Session(ReportedSession s, string path, DateTimeOffset now, DateTimeOffset latest)
    {
        var error = Check(s.UserNames.Count is >= 1 and <= 8, path + ".userNames", "must list one to eight names")
            ?? Text(s.HostName, path + ".hostName", FieldLimits.Fqdn)
            ?? Address(s.ClientExternalAddress, path + ".clientExternalAddress")
            ?? Check(s.ClientIpAddresses.Count <= 8, path + ".clientIpAddresses", "must list at most eight addresses")
            ?? Check(Enum.IsDefined(s.TunnelType), path + ".tunnelType", $"is {(int)s.TunnelType}, which is not a tunnel type")
            ?? Text(s.AuthMethod, path + ".authMethod", 64)
            ?? Time(s.ConnectionStartTime, path + ".connectionStartTime", latest)
            ?? Check(s.ConnectionDurationSeconds is >= 0 and <= 10L * 365 * 24 * 3600, path + ".connectionDurationSeconds", $"is {s.ConnectionDurationSeconds}; expected 0 or more seconds, at most ten years")
            ?? NonNegative(s.TotalBytesIn, path + ".totalBytesIn")
            ?? NonNegative(s.TotalBytesOut, path + ".totalBytesOut");
        if (error is not null)
        {
            return error;
        }

        for (var i = 0; i < s.UserNames.Count; i++)
        {
            if (Text(s.UserNames[i], $"{path}.userNames[{i}]", FieldLimits.Principal, required: true) is { } nameError)
            {
                return nameError;
            }
        }

        for (var i = 0; i < s.ClientIpAddresses.Count; i++)
        {
            if (Address(s.ClientIpAddresses[i], $"{path}.clientIpAddresses[{i}]") is { } addressError)
            {
                return addressError;
            }
        }

        return null;
    }

    private static SnapshotError? Nps(NpsState n) =>
        Text(n.MfaExtension.Version, "$.nps.mfaExtension.version", FieldLimits.Name)
        ?? Hash(n.MfaExtension.CertificateSha1, "$.nps.mfaExtension.certificateSha1", 40, required: false);

    private static SnapshotError? Certificates(IReadOnlyList<ReportedCertificate> certificates)
    {
        if (certificates.Count > MaxCertificates)
        {
            return new SnapshotError("$.certificates", $"has {certificates.Count} entries; at most {MaxCertificates} are accepted");
        }

        var seen = new HashSet<(CertificateStoreKind, string)>();
        for (var i = 0; i < certificates.Count; i++)
        {
            var c = certificates[i];
            var path = $"$.certificates[{i}]";
            var error = Check(Enum.IsDefined(c.Store), path + ".store", $"is {(int)c.Store}, which is not a store the portal knows")
                ?? Hash(c.Sha1Thumbprint, path + ".sha1Thumbprint", 40, required: true)
                ?? Hash(c.Sha256Thumbprint, path + ".sha256Thumbprint", 64, required: true)
                ?? Text(c.Subject, path + ".subject", FieldLimits.Subject, required: false)
                ?? Text(c.Issuer, path + ".issuer", FieldLimits.Subject, required: false)
                ?? Text(c.SerialNumber, path + ".serialNumber", 128, required: true)
                ?? Check(c.NotBefore <= c.NotAfter, path + ".notAfter", "is before notBefore")
                ?? Check(c.NotBefore.Year >= 1950 && c.NotAfter.Year <= 9999, path + ".notBefore", "is outside the years 1950 to 9999")
                ?? Check(c.KeySize is >= 0 and <= 16384, path + ".keySize", $"is {c.KeySize}; expected 0 to 16384 bits")
                ?? Text(c.KeyAlgorithm, path + ".keyAlgorithm", 64, required: true)
                ?? Check(c.SubjectAlternativeNames.Count <= 500, path + ".subjectAlternativeNames", "must list at most 500 names")
                ?? Check(c.EnhancedKeyUsages.Count <= 50, path + ".enhancedKeyUsages", "must list at most 50 usages")
                ?? Check(c.CrlDistributionPoints.Count <= 20, path + ".crlDistributionPoints", "must list at most 20 URLs")
                ?? RawData(c, path);
            if (error is not null)
            {
                return error;
            }

            if (!seen.Add((c.Store, Thumbprints.Normalize(c.Sha1Thumbprint)!)))
            {
                return new SnapshotError(path + ".sha1Thumbprint", $"{c.Sha1Thumbprint} is listed twice in the {c.Store} store");
            }
        }

        return null;
    }

    private static SnapshotError? RawData(ReportedCertificate c, string path)
    {
        if (c.RawData.Length > MaxCertificateBytes * 4 / 3 + 4)
        {
            return new SnapshotError(path + ".rawData", $"is larger than {MaxCertificateBytes / 1024} KB; no certificate is that big");
        }

        var der = new byte[c.RawData.Length];
        if (!Convert.TryFromBase64String(c.RawData, der, out var length) || length == 0)
        {
            return new SnapshotError(path + ".rawData", "is not base64-encoded DER");
        }

        var bytes = der.AsSpan(0, length);
        try
        {
            using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (CryptographicException)
        {
            return new SnapshotError(path + ".rawData", "is not a DER-encoded X.509 certificate");
        }

        if (!string.Equals(Convert.ToHexString(SHA1.HashData(bytes)), Thumbprints.Normalize(c.Sha1Thumbprint), StringComparison.Ordinal))
        {
            return new SnapshotError(path + ".sha1Thumbprint", "does not match the SHA-1 of rawData");
        }

        return string.Equals(Convert.ToHexString(SHA256.HashData(bytes)), Thumbprints.Normalize(c.Sha256Thumbprint), StringComparison.Ordinal)
            ? null
            : new SnapshotError(path + ".sha256Thumbprint", "does not match the SHA-256 of rawData");
    }

    private static SnapshotError? Check(bool ok, string field, string message) => ok ? null : new SnapshotError(field, message);

    private static SnapshotError? NonNegative(long value, string field) =>
        value >= 0 ? null : new SnapshotError(field, $"is {value}; it cannot be negative");

    private static SnapshotError? Port(int port, string field) =>
        port is >= 1 and <= 65535 ? null : new SnapshotError(field, $"is {port}; ports are 1 to 65535");

    private static SnapshotError? Time(DateTimeOffset value, string field, DateTimeOffset latest)
    {
        if (value > latest)
        {
            return new SnapshotError(field, $"is {value:O}, in the future; check the server's clock");
        }

        return value < Earliest ? new SnapshotError(field, $"is {value:O}, before the year 2000") : null;
    }

    private static SnapshotError? Text(string? value, string field, int maxLength, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? new SnapshotError(field, "is required") : null;
        }

        if (value.Length > maxLength)
        {
            return new SnapshotError(field, $"is {value.Length} characters long; at most {maxLength} are accepted");
        }

        return value.Any(char.IsControl) ? new SnapshotError(field, "contains control characters") : null;
    }

    private static SnapshotError? Hash(string? value, string field, int hexLength, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? new SnapshotError(field, "is required") : null;
        }

        var normalized = value.Length <= hexLength * 3 ? Thumbprints.Normalize(value) : null;
        return normalized is not null && normalized.Length == hexLength
            ? null
            : new SnapshotError(field, $"must be {hexLength} hexadecimal characters");
    }

    private static SnapshotError? Address(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return value.Length <= MaxAddressLength && IPAddress.TryParse(value.Trim(), out _)
            ? null
            : new SnapshotError(field, $"'{Shorten(value)}' is not an IP address");
    }

    private static SnapshotError? IpPort(string value, string field)
    {
        var text = value.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || text.Length > MaxAddressLength)
        {
            return new SnapshotError(field, $"'{Shorten(value)}' is not an address:port such as 0.0.0.0:443 or [::]:443");
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return IPAddress.TryParse(host, out _) && int.TryParse(text[(colon + 1)..], out var port) && port is >= 1 and <= 65535
            ? null
            : new SnapshotError(field, $"'{Shorten(value)}' is not an address:port such as 0.0.0.0:443 or [::]:443");
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
