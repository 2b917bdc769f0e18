using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using VpnPortal.Agent.Hosting;
using VpnPortal.Agent.Runtime;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Simulation;

/// <summary>
/// What simulated RRAS and NPS servers share: Local Computer certificate stores, the certificate commands, and fault
/// injection (failing commands, not answering). All state sits behind one lock per server; nothing runs on its own
/// thread: state moves forward when it is read.
/// </summary>
public abstract class SimulatedServer : IServerHost, IServerAvailability
{
    private readonly Dictionary<CertificateStoreKind, List<X509Certificate2>> _stores = [];
    private readonly List<CommandFault> _commandFaults = [];
    private TaskCompletionSource _changed = NewSignal();
    private TaskCompletionSource _resumed = NewSignal();
    private ITimer? _resumeTimer;
    private bool _answering = true;
    private bool _storesChanged;
    private IReadOnlyList<ReportedCertificate>? _reportedCertificates;

    protected SimulatedServer(string machineName, SimulationOptions options, TimeProvider? time)
    {
        MachineName = machineName;
        HostFqdn = $"{machineName}.{options.Domain}";
        Options = options;
        Time = time ?? TimeProvider.System;
        // Not HashCode.Combine: it is randomised per process, and a seed must give the same server in every run.
        Random = new Random(options.Seed is { } seed ? unchecked((seed * 397) ^ (int)SimulatedPeople.StableHash(machineName)) : System.Random.Shared.Next());
        Certificates = SimulatedCertificates.For(options.PublicFqdn, options.Domain);
    }

    public abstract AgentRole Role { get; }

    public string MachineName { get; }

    public string? HostFqdn { get; }

    public SimulationOptions Options { get; }

    public SimulatedCertificates Certificates { get; }

    protected TimeProvider Time { get; }

    /// <summary>Only used under <see cref="Gate"/>: <see cref="System.Random"/> is not thread-safe.</summary>
    protected Random Random { get; }

    protected Lock Gate { get; } = new();

    /// <summary>The stores a snapshot of this role carries.</summary>
    protected abstract IReadOnlyList<CertificateStoreKind> ReportedStores { get; }

    public bool IsAnswering
    {
        get
        {
            lock (Gate)
            {
                return _answering;
            }
        }
    }

    public async Task<ServerState> CollectAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        lock (Gate)
        {
            Advance(Time.GetUtcNow());
            _storesChanged = false;
            return CollectLocked(Time.GetUtcNow(), ReportedCertificatesLocked());
        }
    }

    public async Task<string> ExecuteAsync(AgentCommandMessage command, CancellationToken cancellationToken)
    {
        await Task.Yield();
        Task<string> running;
        lock (Gate)
        {
            var fault = _commandFaults.FirstOrDefault(f => f.Kind is null || f.Kind == command.Kind);
            if (fault is not null)
            {
                fault.Remaining--;
                if (fault.Remaining <= 0)
                {
                    _commandFaults.Remove(fault);
                }

                throw new CommandFailedException(fault.Message);
            }

            Advance(Time.GetUtcNow());
            running = command.Kind switch
            {
                AgentCommandKinds.ImportCertificate => Task.FromResult(ImportLocked(Payload<ImportCertificatePayload>(command))),
                AgentCommandKinds.RemoveCertificate => Task.FromResult(RemoveLocked(Payload<RemoveCertificatePayload>(command))),
                AgentCommandKinds.ImportPfx => Task.FromResult(ImportPfxLocked(Payload<ImportPfxPayload>(command))),
                _ => StartRoleCommandLocked(command),
            };
        }

        // Outside the lock: a command that takes time (a service restart) must not hold up reports and other commands.
        return await running.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public virtual async Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        Task changed;
        lock (Gate)
        {
            if (_storesChanged)
            {
                return;
            }

            changed = _changed.Task;
        }

        await changed.WaitAsync(cancellationToken);
    }

    public async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        Task resumed;
        lock (Gate)
        {
            if (_answering)
            {
                return;
            }

            resumed = _resumed.Task;
        }

        await resumed.WaitAsync(cancellationToken);
    }

    /// <summary>Fault: the next <paramref name="count"/> commands (of <paramref name="kind"/>, or of any kind) fail with <paramref name="message"/>.</summary>
    public void FailNextCommands(int count, string message, string? kind = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (Gate)
        {
            _commandFaults.Add(new CommandFault(kind, message) { Remaining = count });
        }
    }

    /// <summary>Fault: the server stops answering (its agent sends no reports and polls no commands) until <see cref="ResumeAnswering"/>, or for <paramref name="duration"/>.</summary>
    public void StopAnswering(TimeSpan? duration = null)
    {
        lock (Gate)
        {
            _resumeTimer?.Dispose();
            _resumeTimer = null;
            if (_answering)
            {
                _answering = false;
                _resumed = NewSignal();
            }

            if (duration is { } d)
            {
                _resumeTimer = Time.CreateTimer(static state => ((SimulatedServer)state!).ResumeAnswering(), this, d, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void ResumeAnswering()
    {
        lock (Gate)
        {
            _resumeTimer?.Dispose();
            _resumeTimer = null;
            _answering = true;
            _resumed.TrySetResult();
        }
    }

    /// <summary>Puts a certificate (with its key, if it has one) into a store, as an administrator or autoenrollment would.</summary>
    public void InstallCertificate(X509Certificate2 certificate, CertificateStoreKind store)
    {
        lock (Gate)
        {
            AddLocked(store, certificate);
        }
    }

    /// <summary>SHA-1 thumbprints in a store, upper-case hex.</summary>
    public IReadOnlyList<string> Thumbprints(CertificateStoreKind store)
    {
        lock (Gate)
        {
            return StoreLocked(store).Select(SimulatedCertificates.Sha1).ToList();
        }
    }

    protected abstract ServerState CollectLocked(DateTimeOffset now, IReadOnlyList<ReportedCertificate> certificates);

    /// <summary>
    /// Starts a command of this role under <see cref="Gate"/>. Most finish there (a completed task); one that takes time
    /// returns a task that completes later, from a timer of <see cref="Time"/>, and is awaited outside the lock.
    /// </summary>
    protected abstract Task<string> StartRoleCommandLocked(AgentCommandMessage command);

    /// <summary>Moves time-driven state (sessions) forward to <paramref name="now"/>.</summary>
    protected virtual void Advance(DateTimeOffset now)
    {
    }

    protected List<X509Certificate2> StoreLocked(CertificateStoreKind store)
    {
        if (!_stores.TryGetValue(store, out var certificates))
        {
            certificates = [];
            _stores[store] = certificates;
        }

        return certificates;
    }

    protected X509Certificate2? FindLocked(CertificateStoreKind store, string sha1) =>
        StoreLocked(store).FirstOrDefault(c => string.Equals(SimulatedCertificates.Sha1(c), sha1, StringComparison.OrdinalIgnoreCase));

    protected void AddLocked(CertificateStoreKind store, X509Certificate2 certificate)
    {
        var certificates = StoreLocked(store);
        var existing = certificates.FindIndex(c => SimulatedCertificates.Sha1(c) == SimulatedCertificates.Sha1(certificate));
        if (existing >= 0)
        {
            certificates[existing] = certificate;
        }
        else
        {
            certificates.Add(certificate);
        }

        StoresChangedLocked();
    }

    /// <summary>Something an early snapshot should show changed: wake whoever waits for changes.</summary>
    protected void SignalChangeLocked()
    {
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    protected void StoresChangedLocked()
    {
        _reportedCertificates = null;
        _storesChanged = true;
        SignalChangeLocked();
    }

    protected static T Payload<T>(AgentCommandMessage command)
    {
        if (command.Payload is not { ValueKind: JsonValueKind.Object } payload)
        {
            throw new CommandFailedException($"The {command.Kind} command needs a payload.");
        }

        try
        {
            return payload.Deserialize<T>(AgentJson.Options) ?? throw new CommandFailedException($"The {command.Kind} command's payload is empty.");
        }
        catch (JsonException e)
        {
            throw new CommandFailedException($"The {command.Kind} command's payload is not valid: {e.Message}", e);
        }
    }

    private IReadOnlyList<ReportedCertificate> ReportedCertificatesLocked() =>
        _reportedCertificates ??= ReportedStores
            .SelectMany(store => StoreLocked(store).Select(c => Certificates.Report(c, store)))
            .ToList();

    private string ImportLocked(ImportCertificatePayload payload)
    {
        byte[] der;
        try
        {
            der = Convert.FromBase64String(payload.CertificateDer);
        }
        catch (FormatException e)
        {
            throw new CommandFailedException("The certificate is not valid base64; nothing was imported.", e);
        }

        var sha1 = Convert.ToHexString(SHA1.HashData(der));
        if (!string.Equals(sha1, payload.Sha1Thumbprint, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommandFailedException($"The certificate's SHA-1 thumbprint is {sha1}, not {payload.Sha1Thumbprint.ToUpperInvariant()} as the command says; nothing was imported.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException e)
        {
            throw new CommandFailedException($"The data is not a DER-encoded certificate ({e.Message}); nothing was imported.", e);
        }

        if (FindLocked(payload.Store, sha1) is not null)
        {
            return $"Certificate {sha1} is already in the {StoreName(payload.Store)} store.";
        }

        AddLocked(payload.Store, certificate);
        return $"Imported certificate {sha1} ({certificate.Subject}) into the {StoreName(payload.Store)} store.";
    }

    private string ImportPfxLocked(ImportPfxPayload payload)
    {
        // As the Windows host: the PFX is checked whole (password, the named certificate, its key) even when that
        // certificate is already here, so a bad PFX is reported rather than hidden by an earlier import.
        var sha1 = CommandHashes.Sha1(payload.Sha1Thumbprint);
        var certificate = PfxImport.Inspect(PfxImport.Decode(payload), payload.Password, sha1);
        if (FindLocked(CertificateStoreKind.My, sha1) is { HasPrivateKey: true })
        {
            certificate.Dispose();
            return $"Certificate {sha1} is already in the {StoreName(CertificateStoreKind.My)} store with its private key; nothing was imported.";
        }

        AddLocked(CertificateStoreKind.My, certificate);
        return $"Imported certificate {sha1} ({certificate.Subject}) with its private key into the {StoreName(CertificateStoreKind.My)} store.";
    }

    private string RemoveLocked(RemoveCertificatePayload payload)
    {
        var certificate = FindLocked(payload.Store, payload.Sha1Thumbprint)
            ?? throw new CommandFailedException($"Cannot find certificate {payload.Sha1Thumbprint.ToUpperInvariant()} in the {StoreName(payload.Store)} store.");
        StoreLocked(payload.Store).Remove(certificate);
        StoresChangedLocked();
        return $"Removed certificate {SimulatedCertificates.Sha1(certificate)} ({certificate.Subject}) from the {StoreName(payload.Store)} store.";
    }

    /// <summary>The store names certutil and the certificates console use.</summary>
    protected static string StoreName(CertificateStoreKind store) => store switch
    {
        CertificateStoreKind.My => "Local Computer\\Personal (My)",
        CertificateStoreKind.Disallowed => "Local Computer\\Untrusted Certificates (Disallowed)",
        CertificateStoreKind.NTAuth => "enterprise NTAuth",
        CertificateStoreKind.Root => "Local Computer\\Trusted Root Certification Authorities (Root)",
        CertificateStoreKind.CA => "Local Computer\\Intermediate Certification Authorities (CA)",
        _ => store.ToString(),
    };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class CommandFault(string? kind, string message)
    {
        public string? Kind { get; } = kind;
        public string Message { get; } = message;
        public int Remaining { get; set; }
    }
}
