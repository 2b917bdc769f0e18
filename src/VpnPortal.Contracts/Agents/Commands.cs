using System.Text.Json;
using System.Text.Json.Serialization;

namespace VpnPortal.Contracts.Agents;

/// <summary>The command kinds the portal sends and every agent host understands.</summary>
public static class AgentCommandKinds
{
    /// <summary>Send a full snapshot now. Payload: none.</summary>
    public const string RefreshReport = "refresh-report";

    /// <summary><c>Disconnect-VpnUser -UserName</c>. Payload: <see cref="DisconnectUserPayload"/>.</summary>
    public const string DisconnectUser = "disconnect-user";

    /// <summary>
    /// <c>Disconnect-VpnUser -HostIPAddress</c>: ends single connections by their tunnel address, for stale and duplicate
    /// sessions where ending every session of the user would be wrong. Payload: <see cref="DisconnectSessionsPayload"/>.
    /// </summary>
    public const string DisconnectSessions = "disconnect-sessions";

    /// <summary>Import a public certificate into a Local Computer store. Payload: <see cref="ImportCertificatePayload"/>.</summary>
    public const string ImportCertificate = "import-certificate";

    /// <summary>Remove a certificate from a Local Computer store. Payload: <see cref="RemoveCertificatePayload"/>.</summary>
    public const string RemoveCertificate = "remove-certificate";

    /// <summary>Make RRAS use a certificate (already in My, with its key) for SSTP. Payload: <see cref="SetSstpCertificatePayload"/>.</summary>
    public const string SetSstpCertificate = "set-sstp-certificate";

    /// <summary>
    /// Import a PFX (certificate with its private key, not exportable) into Local Computer\Personal. Payload:
    /// <see cref="ImportPfxPayload"/>. The portal stores only a reference and fills in the PFX when it hands the command out.
    /// </summary>
    public const string ImportPfx = "import-pfx";

    /// <summary>Set (or clear) SstpSvc\Parameters\SHA256CertificateHash for TLS offload. Payload: <see cref="SetSstpOffloadHashPayload"/>.</summary>
    public const string SetSstpOffloadHash = "set-sstp-offload-hash";

    /// <summary><c>Restart-Service RemoteAccess</c>; answers once the service runs again. Payload: none.</summary>
    public const string RestartRemoteAccess = "restart-remote-access";

    /// <summary>
    /// Send <c>HEAD /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/</c> to the server's own SSTP listener: succeeds only on a 401
    /// (and, over HTTPS, with the expected certificate presented). Payload: <see cref="CheckSstpListenerPayload"/>.
    /// </summary>
    public const string CheckSstpListener = "check-sstp-listener";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        RefreshReport, DisconnectUser, DisconnectSessions, ImportCertificate, RemoveCertificate, SetSstpCertificate,
        ImportPfx, SetSstpOffloadHash, RestartRemoteAccess, CheckSstpListener,
    };
}

/// <summary>A command as delivered to an agent. <see cref="Id"/> is the idempotency key: the agent never executes it twice.</summary>
public sealed record AgentCommandMessage
{
    public required Guid Id { get; init; }
    public required string Kind { get; init; }
    public JsonElement? Payload { get; init; }

    /// <summary>
    /// The agent must not start the command after this, by the portal's clock (see <see cref="CommandBatch.PortalTime"/>);
    /// it reports it as failed ("deadline passed") instead.
    /// </summary>
    public required DateTimeOffset ExecuteBy { get; init; }

    /// <summary>How many times the portal has handed this command out (1 on first delivery).</summary>
    public int Delivery { get; init; } = 1;

    /// <summary>Leaves the payload out: it may carry a secret (an import-pfx's PFX and password).</summary>
    public override string ToString() => $"AgentCommandMessage {{ Id = {Id}, Kind = {Kind}, Delivery = {Delivery}, ExecuteBy = {ExecuteBy:O} }}";
}

/// <summary>The answer to a command poll: empty when the poll timed out.</summary>
public sealed record CommandBatch
{
    public required IReadOnlyList<AgentCommandMessage> Commands { get; init; }

    /// <summary>
    /// The portal's clock when it answered. Deadlines are the portal's: the agent compares <see cref="AgentCommandMessage.ExecuteBy"/>
    /// with this time plus what elapsed since, so a server whose clock is off neither runs late commands nor refuses live
    /// ones. Null from portals older than this field; the agent then uses its own clock.
    /// </summary>
    public DateTimeOffset? PortalTime { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<CommandOutcome>))]
public enum CommandOutcome
{
    Succeeded = 1,
    Failed = 2,
}

/// <summary>What the agent sends back after running (or refusing) a command.</summary>
public sealed record CommandResultRequest
{
    public required CommandOutcome Outcome { get; init; }

    /// <summary>A summary for people; for failures, the error text.</summary>
    public string? Message { get; init; }

    public required DateTimeOffset CompletedAt { get; init; }
}

public sealed record DisconnectUserPayload
{
    /// <summary>A UPN, DOMAIN\user, or a device FQDN for a device tunnel.</summary>
    public required string UserName { get; init; }
}

public sealed record DisconnectSessionsPayload
{
    /// <summary>The tunnel addresses (IPv4 or IPv6) RRAS assigned to the connections to end.</summary>
    public required IReadOnlyList<string> TunnelAddresses { get; init; }
}

public sealed record ImportCertificatePayload
{
    public required CertificateStoreKind Store { get; init; }

    /// <summary>DER, base64. Never a private key.</summary>
    public required string CertificateDer { get; init; }

    public required string Sha1Thumbprint { get; init; }
}

public sealed record RemoveCertificatePayload
{
    public required CertificateStoreKind Store { get; init; }
    public required string Sha1Thumbprint { get; init; }
}

public sealed record SetSstpCertificatePayload
{
    public required string Sha1Thumbprint { get; init; }
}

/// <summary>The SSTP listener's well-known path: RRAS answers a HEAD to it with 401 when SSTP is listening.</summary>
public static class SstpListener
{
    public const string ProbePath = "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/";
}

public sealed record ImportPfxPayload
{
    /// <summary>The PKCS#12 file, base64. Present only in the delivered command, never in the portal's stored payload.</summary>
    public required string Pfx { get; init; }

    public required string Password { get; init; }

    /// <summary>The certificate with the private key the import must leave in Local Computer\Personal.</summary>
    public required string Sha1Thumbprint { get; init; }

    /// <summary>Redacts the secret parts: what may appear in logs and results.</summary>
    public override string ToString() => $"ImportPfxPayload {{ Sha1Thumbprint = {Sha1Thumbprint} }}";
}

public sealed record SetSstpOffloadHashPayload
{
    /// <summary>Upper-case hex SHA-256 of the certificate the load balancer presents; null removes the value.</summary>
    public string? Sha256Hash { get; init; }
}

public sealed record CheckSstpListenerPayload
{
    /// <summary>The SSTP listener port (SstpSvc ListenerPort, 443 by default).</summary>
    public required int Port { get; init; }

    /// <summary>False when TLS is offloaded and SSTP listens in plain HTTP.</summary>
    public required bool UseHttps { get; init; }

    /// <summary>Over HTTPS, the SHA-1 thumbprint the listener must present; null accepts any.</summary>
    public string? ExpectedSha1Thumbprint { get; init; }
}

/// <summary>JSON settings both sides use: web casing, strict nullability, and no numbers as strings.</summary>
public static class AgentJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
