using System.Diagnostics;
using System.Net.NetworkInformation;
using System.Runtime.Versioning;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using VpnPortal.Agent.Certificates;
using VpnPortal.Agent.Hosting;
using VpnPortal.Agent.Parsing;
using VpnPortal.Contracts.Agents;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Agent.Windows;

/// <summary>What the Windows host works through; the real ones on Windows, recorded outputs in tests.</summary>
public sealed record WindowsHostTools
{
    public required IPowerShellRunner PowerShell { get; init; }
    public required INetsh Netsh { get; init; }
    public required IMachineRegistry Registry { get; init; }
    public required IMachineCertificateStores Stores { get; init; }

    /// <summary>A file's version (for the MFA extension's DLL); null when the file is absent.</summary>
    public required Func<string, string?> FileVersion { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often <see cref="WindowsServerHost.WaitForChangeAsync"/> compares the stores (in-process, cheap).</summary>
    public TimeSpan StoreProbeInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often it asks RRAS for its connection count. That costs a PowerShell start and a module load (about a second
    /// of CPU), so it runs less often than the store probe.
    /// </summary>
    public TimeSpan SessionProbeInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Sends check-sstp-listener's HEAD to this server's own listener.</summary>
    public ISstpListenerProbe ListenerProbe { get; init; } = new SstpListenerProbe(SstpListenerProbe.DefaultTimeout);

    /// <summary>
    /// How long restart-remote-access waits for the service to run after Restart-Service returned; well inside the
    /// PowerShell runner's own timeout, so a service that does not come back is reported as such, not as a hung script.
    /// </summary>
    public TimeSpan RemoteAccessStartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// A real Windows RRAS or NPS server: reads its state through PowerShell (RemoteAccess module), netsh, the registry and
/// the Local Computer certificate stores, and carries out the portal's commands there.
/// </summary>
public sealed partial class WindowsServerHost : IServerHost
{
    private const int MaxCertificateBytes = 64 * 1024;

    private readonly WindowsHostTools tools;
    private readonly object fingerprintLock = new();
    private Fingerprint? lastCollected;

    public WindowsServerHost(AgentRole role, WindowsHostTools tools, string machineName, string? hostFqdn)
    {
        Role = role;
        this.tools = tools;
        MachineName = machineName;
        HostFqdn = hostFqdn;
    }

    /// <summary>The host on this Windows server, with the real tools.</summary>
    [SupportedOSPlatform("windows")]
    public WindowsServerHost(AgentRole role)
        : this(role, WindowsTools(), Environment.MachineName, LocalFqdn())
    {
    }

    public AgentRole Role { get; }
    public string MachineName { get; }
    public string? HostFqdn { get; }

    [SupportedOSPlatform("windows")]
    private static WindowsHostTools WindowsTools()
    {
        var processes = new ProcessRunner();
        var registry = new WindowsMachineRegistry();
        return new WindowsHostTools
        {
            PowerShell = new PowerShellRunner(processes, TimeSpan.FromSeconds(120)),
            Netsh = new Netsh(processes, TimeSpan.FromSeconds(30)),
            Registry = registry,
            Stores = new LocalMachineCertificateStores(registry),
            FileVersion = path => File.Exists(path) ? FileVersionInfo.GetVersionInfo(path).FileVersion : null,
        };
    }

    private static string? LocalFqdn()
    {
        var properties = IPGlobalProperties.GetIPGlobalProperties();
        return string.IsNullOrEmpty(properties.DomainName) ? null : $"{properties.HostName}.{properties.DomainName}";
    }

    public async Task<ServerState> CollectAsync(CancellationToken cancellationToken)
    {
        ServerState state;
        Fingerprint fingerprint;
        if (Role == AgentRole.Rras)
        {
            var rras = await CollectRrasAsync(cancellationToken);
            var certificates = ReportStores(CertificateStoreKind.My, CertificateStoreKind.Disallowed);
            state = new ServerState(rras, null, certificates);
            fingerprint = new Fingerprint(rras.Summary.TotalConnections, StoreDigest(certificates));
        }
        else
        {
            var certificates = ReportStores(CertificateStoreKind.My, CertificateStoreKind.NTAuth);
            var nps = new NpsState { MfaExtension = InspectMfaExtension() };
            state = new ServerState(null, nps, certificates);
            fingerprint = new Fingerprint(null, StoreDigest(certificates));
        }

        lock (fingerprintLock)
        {
            lastCollected = fingerprint;
        }

        return state;
    }

    private async Task<RrasState> CollectRrasAsync(CancellationToken cancellationToken)
    {
        var output = await tools.PowerShell.RunAsync(RrasScripts.Collect, cancellationToken);
        var sections = ScriptSections.Split(output, "RRAS collection script");
        var sstp = RrasRegistry.ReadSstp(tools.Registry);
        var bindings = SslCertificateBindings.Parse(await tools.Netsh.ShowSslCertificatesAsync(cancellationToken));

        return new RrasState
        {
            Sessions = RemoteAccessJson.ParseSessions(ScriptSections.Required(sections, RrasScripts.SessionsSection, RemoteAccessJson.SessionsSource), tools.Time.GetUtcNow()),
            Summary = RemoteAccessJson.ParseSummary(ScriptSections.Required(sections, RrasScripts.SummarySection, RemoteAccessJson.SummarySource)),
            RadiusServers = RemoteAccessJson.ParseRadiusServers(ScriptSections.Required(sections, RrasScripts.RadiusSection, RemoteAccessJson.RadiusSource)),
            ConfiguredSstpCertificateSha1 = ConfiguredThumbprint(ScriptSections.Required(sections, RrasScripts.SstpCertificateSection, "Get-RemoteAccess")),
            SslBindings = SslCertificateBindings.IpBindingsOnPort(bindings, sstp.ListenerPort),
            Sstp = sstp,
            Ikev2FragmentationEnabled = RrasRegistry.ReadIkev2Fragmentation(tools.Registry),
        };
    }

    private static string? ConfiguredThumbprint(string text) => text.Trim() switch
    {
        "" => null,
        var t when Sha1Hex().IsMatch(t) => t.ToUpperInvariant(),
        var t => throw new OutputFormatException("Get-RemoteAccess", $"'{(t.Length > 60 ? t[..57] + "..." : t)}' is not a SHA-1 thumbprint", field: "SslCertificate.Thumbprint"),
    };

    private MfaExtensionReport InspectMfaExtension()
    {
        var personal = tools.Stores.Read(CertificateStoreKind.My);
        try
        {
            return MfaExtension.Inspect(tools.Registry, tools.FileVersion, personal, tools.Time.GetUtcNow());
        }
        finally
        {
            DisposeAll(personal);
        }
    }

    private List<ReportedCertificate> ReportStores(params CertificateStoreKind[] stores)
    {
        var reported = new List<ReportedCertificate>();
        foreach (var store in stores)
        {
            var certificates = tools.Stores.Read(store);
            try
            {
                reported.AddRange(certificates.Select(c => CertificateReport.From(c, store)));
            }
            finally
            {
                DisposeAll(certificates);
            }
        }

        return reported;
    }

    // ------------------------------------------------------------------ change probe

    public async Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        Fingerprint? baseline;
        lock (fingerprintLock)
        {
            baseline = lastCollected;
        }

        // Nothing collected yet: whatever the server holds is news.
        if (baseline is null)
        {
            return;
        }

        var sinceSessionProbe = TimeSpan.Zero;
        while (true)
        {
            await Task.Delay(tools.StoreProbeInterval, tools.Time, cancellationToken);
            sinceSessionProbe += tools.StoreProbeInterval;

            var stores = Role == AgentRole.Rras
                ? new[] { CertificateStoreKind.My, CertificateStoreKind.Disallowed }
                : [CertificateStoreKind.My, CertificateStoreKind.NTAuth];
            if (StoreDigest(stores) != baseline.StoreDigest)
            {
                return;
            }

            if (baseline.Connections is { } connections && sinceSessionProbe >= tools.SessionProbeInterval)
            {
                sinceSessionProbe = TimeSpan.Zero;
                var text = (await tools.PowerShell.RunAsync(RrasScripts.ConnectionCount, cancellationToken)).Trim();
                if (!int.TryParse(text, out var now))
                {
                    throw new OutputFormatException(RemoteAccessJson.SummarySource, $"'{text}' is not a connection count", field: "TotalConnections");
                }

                if (now != connections)
                {
                    return;
                }
            }
        }
    }

    private string StoreDigest(CertificateStoreKind[] stores)
    {
        var lines = new List<string>();
        foreach (var store in stores)
        {
            var certificates = tools.Stores.Read(store);
            try
            {
                lines.AddRange(certificates.Select(c => $"{store}:{Convert.ToHexString(c.GetCertHash(HashAlgorithmName.SHA1))}:{c.HasPrivateKey}"));
            }
            finally
            {
                DisposeAll(certificates);
            }
        }

        return Digest(lines);
    }

    private static string StoreDigest(IEnumerable<ReportedCertificate> certificates) =>
        Digest(certificates.Select(c => $"{c.Store}:{c.Sha1Thumbprint}:{c.HasPrivateKey}"));

    private static string Digest(IEnumerable<string> lines) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines.Order(StringComparer.Ordinal)))));

    private sealed record Fingerprint(int? Connections, string StoreDigest);

    // ------------------------------------------------------------------ commands

    public async Task<string> ExecuteAsync(AgentCommandMessage command, CancellationToken cancellationToken)
    {
        try
        {
            return command.Kind switch
            {
                AgentCommandKinds.RefreshReport => "A full report is sent by the agent after this command.",
                AgentCommandKinds.DisconnectUser => await DisconnectUserAsync(Payload<DisconnectUserPayload>(command), cancellationToken),
                AgentCommandKinds.DisconnectSessions => await DisconnectSessionsAsync(Payload<DisconnectSessionsPayload>(command), cancellationToken),
                AgentCommandKinds.ImportCertificate => ImportCertificate(Payload<ImportCertificatePayload>(command)),
                AgentCommandKinds.RemoveCertificate => RemoveCertificate(Payload<RemoveCertificatePayload>(command)),
                AgentCommandKinds.SetSstpCertificate => await SetSstpCertificateAsync(Payload<SetSstpCertificatePayload>(command), cancellationToken),
                AgentCommandKinds.ImportPfx => ImportPfx(Payload<ImportPfxPayload>(command)),
                AgentCommandKinds.SetSstpOffloadHash => SetSstpOffloadHash(Payload<SetSstpOffloadHashPayload>(command)),
                AgentCommandKinds.RestartRemoteAccess => await RestartRemoteAccessAsync(cancellationToken),
                AgentCommandKinds.CheckSstpListener => await CheckSstpListenerAsync(Payload<CheckSstpListenerPayload>(command), cancellationToken),
                _ => throw new CommandFailedException($"This agent does not know the command '{command.Kind}'."),
            };
        }
        catch (ToolFailedException e)
        {
            throw new CommandFailedException(e.Message, e);
        }
        catch (OutputFormatException e)
        {
            throw new CommandFailedException(e.Message, e);
        }
        catch (CryptographicException e)
        {
            // X509Store failures (access denied, store locked) surface as this.
            throw new CommandFailedException($"The certificate store refused the change: {e.Message}", e);
        }
    }

    private static T Payload<T>(AgentCommandMessage command)
    {
        if (command.Payload is not { } payload || payload.ValueKind == JsonValueKind.Null)
        {
            throw new CommandFailedException($"The {command.Kind} command came without its payload.");
        }

        try
        {
            return payload.Deserialize<T>(AgentJson.Options) ?? throw new CommandFailedException($"The {command.Kind} command's payload is empty.");
        }
        catch (JsonException e)
        {
            throw new CommandFailedException($"The {command.Kind} command's payload is malformed: {e.Message}", e);
        }
    }

    private void RequireRras(string what)
    {
        if (Role != AgentRole.Rras)
        {
            throw new CommandFailedException($"This is an NPS server; only RRAS servers can {what}.");
        }
    }

    private async Task<string> DisconnectUserAsync(DisconnectUserPayload payload, CancellationToken cancellationToken)
    {
        RequireRras("disconnect VPN users");
        var user = payload.UserName?.Trim() ?? "";
        if (user.Length is 0 or > 256 || user.Any(char.IsControl))
        {
            throw new CommandFailedException("The user name is empty, longer than 256 characters, or contains control characters.");
        }

        var result = (await tools.PowerShell.RunAsync(RrasScripts.DisconnectUser(user), cancellationToken)).Trim();
        if (result == "not-connected")
        {
            return $"{user} had no VPN session on {MachineName}.";
        }

        var match = DisconnectedCount().Match(result);
        return match.Success
            ? $"Disconnected {user} from {MachineName} ({match.Groups[1].Value} session(s))."
            : throw new CommandFailedException($"Disconnect-VpnUser ran but its script answered '{result}' instead of a session count.");
    }

    private async Task<string> DisconnectSessionsAsync(DisconnectSessionsPayload payload, CancellationToken cancellationToken)
    {
        RequireRras("disconnect VPN connections");
        var addresses = TunnelAddresses.Validate(payload.TunnelAddresses);
        var result = (await tools.PowerShell.RunAsync(RrasScripts.DisconnectSessions(addresses), cancellationToken)).Trim();
        var match = DisconnectedAddresses().Match(result);
        return match.Success
            ? TunnelAddresses.Describe(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), MachineName)
            : throw new CommandFailedException($"Disconnect-VpnUser ran but its script answered '{result}' instead of a count.");
    }

    private string ImportCertificate(ImportCertificatePayload payload)
    {
        RequireUntrustedStore(payload.Store, "imported into");
        var thumbprint = CommandHashes.Sha1(payload.Sha1Thumbprint);
        byte[] der;
        try
        {
            der = Convert.FromBase64String(payload.CertificateDer ?? "");
        }
        catch (FormatException)
        {
            throw new CommandFailedException("The certificate is not valid base64.");
        }

        if (der.Length is 0 or > MaxCertificateBytes)
        {
            throw new CommandFailedException($"The certificate is {der.Length} bytes; a single certificate is between 1 byte and {MaxCertificateBytes / 1024} KB.");
        }

        // The hash check comes first: it proves these are the bytes the portal meant, before anything parses them.
        var actual = Convert.ToHexString(SHA1.HashData(der));
        if (actual != thumbprint)
        {
            throw new CommandFailedException($"The certificate's SHA-1 is {actual}, not {thumbprint} as the command says; nothing was imported.");
        }

        if (ContentType(der) != X509ContentType.Cert)
        {
            throw new CommandFailedException("The data is not a single DER certificate (a PFX, PKCS#7 bundle or anything with a private key is refused).");
        }

        using var certificate = X509CertificateLoader.LoadCertificate(der);
        tools.Stores.Add(payload.Store, certificate);
        return $"Imported {DistinguishedNames.ShortName(certificate.Subject)} ({thumbprint}) into Local Computer\\{StoreLabel(payload.Store)} on {MachineName}.";
    }

    private string RemoveCertificate(RemoveCertificatePayload payload)
    {
        RequireUntrustedStore(payload.Store, "removed from");
        var thumbprint = CommandHashes.Sha1(payload.Sha1Thumbprint);
        return tools.Stores.Remove(payload.Store, thumbprint)
            ? $"Removed {thumbprint} from Local Computer\\{StoreLabel(payload.Store)} on {MachineName}."
            : $"{thumbprint} was not in Local Computer\\{StoreLabel(payload.Store)} on {MachineName}; nothing to remove.";
    }

    private async Task<string> SetSstpCertificateAsync(SetSstpCertificatePayload payload, CancellationToken cancellationToken)
    {
        RequireRras("serve SSTP");
        var thumbprint = CommandHashes.Sha1(payload.Sha1Thumbprint);
        var personal = tools.Stores.Read(CertificateStoreKind.My);
        try
        {
            var certificate = personal.FirstOrDefault(c => Convert.ToHexString(c.GetCertHash(HashAlgorithmName.SHA1)) == thumbprint)
                ?? throw new CommandFailedException($"{thumbprint} is not in Local Computer\\Personal on {MachineName}; import it there with its private key first.");
            var verdict = CertificateFitness.Sstp(CertificateReader.Facts(certificate), tools.Time.GetUtcNow());
            if (!verdict.Fit)
            {
                throw new CommandFailedException($"{thumbprint} cannot serve SSTP: {string.Join("; ", verdict.Reasons)}.");
            }
        }
        finally
        {
            DisposeAll(personal);
        }

        await tools.PowerShell.RunAsync(RrasScripts.SetSstpCertificate(thumbprint), cancellationToken);
        return $"RRAS on {MachineName} now uses {thumbprint} for SSTP. The RemoteAccess service was restarted, which ended the VPN sessions on this server.";
    }

    private string ImportPfx(ImportPfxPayload payload)
    {
        var thumbprint = CommandHashes.Sha1(payload.Sha1Thumbprint);
        var data = PfxImport.Decode(payload);

        // Looked at first with an ephemeral key: a PFX that is refused leaves no key container behind. Checked whole even
        // when the certificate is already here, so a bad PFX is reported rather than hidden by an earlier import.
        PfxImport.Inspect(data, payload.Password, thumbprint).Dispose();
        if (PersonalKeyProblem(thumbprint) is null)
        {
            return $"{thumbprint} is already in Local Computer\\Personal on {MachineName} with its private key; nothing was imported.";
        }

        X509Certificate2 certificate;
        try
        {
            // The machine's key store, persisted, and not exportable: the key never leaves this server again.
            certificate = X509CertificateLoader.LoadPkcs12(data, payload.Password, X509KeyStorageFlags.MachineKeySet | X509KeyStorageFlags.PersistKeySet);
        }
        catch (CryptographicException e)
        {
            throw new CommandFailedException($"The private key could not be stored in the machine's key store ({e.Message}); nothing was imported.", e);
        }

        using (certificate)
        {
            // Inspect refused any second key, so this is the certificate it checked; said plainly should that ever change.
            if (PfxImport.Sha1Of(certificate) != thumbprint)
            {
                throw new CommandFailedException($"The PFX's key belongs to {PfxImport.Sha1Of(certificate)}, not {thumbprint}; nothing was added to Personal.");
            }

            tools.Stores.Add(CertificateStoreKind.My, certificate);
            var imported = $"Imported {DistinguishedNames.ShortName(certificate.Subject)} ({thumbprint}) with its private key (not exportable) into Local Computer\\Personal on {MachineName}.";

            // Read back as RRAS will: from the store, with the key it can reach, and able to sign.
            return PersonalKeyProblem(thumbprint) is { } problem
                ? throw new CommandFailedException($"{thumbprint} was added to Local Computer\\Personal on {MachineName}, but {problem}; SSTP cannot use it.")
                : imported;
        }
    }

    /// <summary>Null when Personal holds <paramref name="sha1"/> with a private key that signs for it; otherwise what is wrong.</summary>
    private string? PersonalKeyProblem(string sha1)
    {
        var personal = tools.Stores.Read(CertificateStoreKind.My);
        try
        {
            return personal.FirstOrDefault(c => PfxImport.Sha1Of(c) == sha1) switch
            {
                null => "it is not there when read back",
                { HasPrivateKey: false } => "the store holds it without its private key",
                var found => PfxImport.KeyProblem(found) is { } problem ? $"its private key fails: {problem}" : null,
            };
        }
        finally
        {
            DisposeAll(personal);
        }
    }

    private string SetSstpOffloadHash(SetSstpOffloadHashPayload payload)
    {
        RequireRras("take a TLS offload hash");
        var hash = payload.Sha256Hash is null ? null : CommandHashes.Sha256(payload.Sha256Hash);
        try
        {
            if (hash is null)
            {
                return RrasRegistry.ClearOffloadHash(tools.Registry)
                    ? $"Removed SHA256CertificateHash on {MachineName}; SSTP records its own certificate's hash when RemoteAccess restarts."
                    : $"SHA256CertificateHash was not set on {MachineName}; nothing to remove.";
            }

            return RrasRegistry.WriteOffloadHash(tools.Registry, hash)
                ? $"SHA256CertificateHash on {MachineName} is now {hash}; SSTP uses it from the next restart of RemoteAccess."
                : $"SHA256CertificateHash on {MachineName} is already {hash}; nothing changed.";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SecurityException)
        {
            throw new CommandFailedException($"Could not change HKLM\\{RrasRegistry.SstpParametersKey} on {MachineName}: {e.Message}", e);
        }
    }

    private async Task<string> RestartRemoteAccessAsync(CancellationToken cancellationToken)
    {
        RequireRras("restart RemoteAccess");
        var output = (await tools.PowerShell.RunAsync(RrasScripts.RestartRemoteAccess(tools.RemoteAccessStartTimeout), cancellationToken)).Trim();
        return output.EndsWith("running", StringComparison.Ordinal)
            ? $"RemoteAccess on {MachineName} restarted and runs again; the VPN sessions it held ended with the restart."
            : throw new CommandFailedException($"Restart-Service ran but its script answered '{(output.Length > 200 ? output[..197] + "..." : output)}' instead of 'running'.");
    }

    private async Task<string> CheckSstpListenerAsync(CheckSstpListenerPayload payload, CancellationToken cancellationToken)
    {
        RequireRras("probe an SSTP listener");
        var check = SstpListenerCheck.From(payload);
        return check.Judge(await tools.ListenerProbe.ProbeAsync(check.Uri, cancellationToken));
    }

    /// <summary>
    /// The portal untrusts certificates (adds them to and removes them from Untrusted Certificates) and imports an SSTP
    /// certificate with its key into Personal (import-pfx, which names no store); it never asks for anything else. So a
    /// command naming another store is refused before anything is read or changed: whoever holds the portal's channel
    /// cannot use the agent to add a trusted root, an intermediate or an NTAuth CA, nor to remove a server's certificates.
    /// </summary>
    private static void RequireUntrustedStore(CertificateStoreKind store, string verb)
    {
        if (store == CertificateStoreKind.Disallowed)
        {
            return;
        }

        throw new CommandFailedException(store switch
        {
            // The local NTAuth copy is rewritten from Active Directory at the next policy refresh; the change belongs there
            // (certutil -dspublish on a PKI admin's machine), not on one server.
            CertificateStoreKind.NTAuth =>
                $"Certificates are not {verb} the enterprise NTAuth store by the agent: publish the CA in Active Directory (certutil -dspublish -f ca.cer NTAuthCA). Nothing was changed.",

            // A public certificate in Personal serves nothing (RRAS binds only certificates whose key is there), and the SSTP
            // certificate goes there with its key through a rollout's import-pfx.
            CertificateStoreKind.My =>
                $"Certificates are not {verb} Personal (My) by this command: the SSTP certificate is imported there with its private key by a certificate rollout. Nothing was changed.",
            CertificateStoreKind.Root or CertificateStoreKind.CA =>
                $"Certificates are not {verb} Local Computer\\{StoreLabel(store)} by the agent: trust in a CA is the PKI's to manage (Group Policy or certutil); the agent only changes Untrusted Certificates. Nothing was changed.",
            _ => $"Certificates are not {verb} the store '{store}' by the agent: it only changes Untrusted Certificates. Nothing was changed.",
        });
    }

    private static string StoreLabel(CertificateStoreKind store) => store switch
    {
        CertificateStoreKind.My => "Personal",
        CertificateStoreKind.Disallowed => "Untrusted Certificates",
        CertificateStoreKind.Root => "Trusted Root Certification Authorities",
        CertificateStoreKind.CA => "Intermediate Certification Authorities",
        _ => store.ToString(),
    };

    private static X509ContentType ContentType(byte[] data)
    {
        try
        {
            return X509Certificate2.GetCertContentType(data);
        }
        catch (CryptographicException)
        {
            return X509ContentType.Unknown;
        }
    }

    private static void DisposeAll(IEnumerable<X509Certificate2> certificates)
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }

    [GeneratedRegex("^[0-9A-Fa-f]{40}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha1Hex();

    [GeneratedRegex(@"^disconnected (\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DisconnectedCount();

    [GeneratedRegex(@"^disconnected (\d+) absent (\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DisconnectedAddresses();
}
