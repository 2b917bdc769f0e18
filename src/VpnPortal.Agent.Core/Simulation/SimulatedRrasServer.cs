using System.Globalization;
using System.Net;
using VpnPortal.Agent.Hosting;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Simulation;

/// <summary>
/// An RRAS server in memory: VPN sessions arrive and leave around <see cref="SimulationOptions.TargetSessions"/>
/// (user tunnels over SSTP or IKEv2, device tunnels over IKEv2 with a machine certificate), their bytes grow with
/// time, and the SSTP listener, its HTTP.sys bindings, RADIUS servers and certificate stores look like a healthy
/// server's until a command or a fault changes them. A restart of RemoteAccess behaves as on Windows: it takes
/// <see cref="SimulationOptions.RemoteAccessRestartDuration"/>, ends every session, and SSTP binds its certificate again
/// as it starts.
/// </summary>
public sealed class SimulatedRrasServer : SimulatedServer
{
    /// <summary>SSTP's application id on its HTTP.sys bindings.</summary>
    public static readonly Guid SstpApplicationId = Guid.Parse("ba195980-cd49-458b-9e23-c84ee0adcd75");

    /// <summary>The SSTP listener's port (SstpSvc ListenerPort), the same on every simulated server.</summary>
    public const int ListenerPort = 443;

    private static readonly IReadOnlyList<CertificateStoreKind> RrasStores = [CertificateStoreKind.My, CertificateStoreKind.Disallowed];

    private readonly Dictionary<long, SimulatedSession> _sessions = [];
    private readonly PriorityQueue<SimulatedSession, DateTimeOffset> _departures = new();
    private readonly HashSet<int> _usedAddresses = [];
    private readonly uint _addressPoolBase;
    private readonly double _arrivalsPerSecond;
    private DateTimeOffset _advancedTo;
    private DateTimeOffset _nextArrival;
    private long _nextSessionId;
    private long _cumulativeConnections;
    private int _maxConcurrent;
    private long _endedBytesIn;
    private long _endedBytesOut;
    private bool _sessionsChanged;
    private string? _configuredSstpSha1;
    private string _ipv4BindingHash;
    private string _ipv6BindingHash;
    private string? _sstpSha256;
    private bool _sstpSha256SetByAdmin;
    private bool _useHttps = true;
    private bool _listenerUsesHttps = true;
    private string? _sstpNotListening;
    private RestartUnderWay? _restart;
    private bool _ipv6BindingPinned;
    private int _probeFaultsLeft;
    private int _probeFaultStatus;
    private bool? _ikev2Fragmentation = true;
    private int _radiusTimeoutSeconds;

    public SimulatedRrasServer(string machineName, SimulationOptions options, TimeProvider? time = null)
        : base(machineName, options, time)
    {
        // Each server hands out tunnel addresses from its own /16 in 10.64.0.0 - 10.191.255.255, stable across runs.
        _addressPoolBase = (10u << 24) | ((64u + (SimulatedPeople.StableHash(machineName) % 128u)) << 16);
        _arrivalsPerSecond = options.TargetSessions / Math.Max(1, options.MeanSessionDuration.TotalSeconds);
        _radiusTimeoutSeconds = options.RadiusTimeoutSeconds;

        AddLocked(CertificateStoreKind.My, Certificates.SstpCertificate);
        AddLocked(CertificateStoreKind.My, Certificates.RenewedSstpCertificate);
        AddLocked(CertificateStoreKind.Disallowed, Certificates.UntrustedDeviceCertificate);
        _configuredSstpSha1 = SimulatedCertificates.Sha1(Certificates.SstpCertificate);
        _ipv4BindingHash = _configuredSstpSha1;
        _ipv6BindingHash = _configuredSstpSha1;
        _sstpSha256 = SimulatedCertificates.Sha256(Certificates.SstpCertificate);

        var now = Time.GetUtcNow();
        _advancedTo = now;
        for (var i = 0; i < options.TargetSessions; i++)
        {
            // Sessions already running at start: begun some time within the last mean duration.
            var started = now - TimeSpan.FromSeconds(Random.NextDouble() * options.MeanSessionDuration.TotalSeconds);
            StartSessionLocked(started, now + Exponential(options.MeanSessionDuration));
        }

        _maxConcurrent = _sessions.Count;
        _nextArrival = now + NextInterArrival();
        _sessionsChanged = false;
    }

    public override AgentRole Role => AgentRole.Rras;

    protected override IReadOnlyList<CertificateStoreKind> ReportedStores => RrasStores;

    /// <summary>Live sessions now (after moving the simulation forward to the clock's time).</summary>
    public int SessionCount
    {
        get
        {
            lock (Gate)
            {
                Advance(Time.GetUtcNow());
                return _sessions.Count;
            }
        }
    }

    /// <summary>False while a restart of RemoteAccess is under way: no sessions, no SSTP listener.</summary>
    public bool IsRemoteAccessRunning
    {
        get
        {
            lock (Gate)
            {
                return _restart is null;
            }
        }
    }

    /// <summary>The first user name of every live session.</summary>
    public IReadOnlyList<string> ConnectedUserNames()
    {
        lock (Gate)
        {
            Advance(Time.GetUtcNow());
            return _sessions.Values.Select(s => s.UserName).ToList();
        }
    }

    /// <summary>Fault: someone bound another certificate to <c>[::]:443</c> (with netsh or IIS), so the IPv6 binding's hash differs.</summary>
    public void DriftSstpBinding(string? ipv6CertificateHash = null)
    {
        lock (Gate)
        {
            _ipv6BindingHash = ipv6CertificateHash?.ToUpperInvariant()
                ?? (_ipv4BindingHash == SimulatedCertificates.Sha1(Certificates.RenewedSstpCertificate)
                    ? SimulatedCertificates.Sha1(Certificates.SstpCertificate)
                    : SimulatedCertificates.Sha1(Certificates.RenewedSstpCertificate));
            SignalChangeLocked();
        }
    }

    /// <summary>
    /// Misconfiguration: the SSTP certificate was renewed (RRAS is set to the renewed one and HTTP.sys serves it on
    /// <c>0.0.0.0:443</c>) but <c>[::]:443</c> was left bound to the old one, as when a binding made by hand with netsh
    /// outlives a renewal. IPv6 clients get the old certificate until it expires. A restart of RemoteAccess binds both again.
    /// </summary>
    public void LeaveIpv6BindingOnOldCertificate()
    {
        lock (Gate)
        {
            var renewed = SimulatedCertificates.Sha1(Certificates.RenewedSstpCertificate);
            _configuredSstpSha1 = renewed;
            _ipv4BindingHash = renewed;
            _ipv6BindingHash = SimulatedCertificates.Sha1(Certificates.SstpCertificate);
            _sstpSha256 = SimulatedCertificates.Sha256(Certificates.RenewedSstpCertificate);
            SignalChangeLocked();
        }
    }

    /// <summary>
    /// Fault: <c>[::]:443</c> keeps the certificate it has now through the next restart of RemoteAccess (as when a netsh or
    /// IIS binding survives it): until that restart has finished, SSTP rebinds <c>0.0.0.0:443</c> only, whether for
    /// set-sstp-certificate or as the restart starts it. After a certificate rotation the two bindings then differ, so
    /// verifying the rotation fails, while a listener check (which sees the IPv4 binding) still passes. Later restarts
    /// bind both again.
    /// </summary>
    public void KeepIpv6BindingThroughNextRestart()
    {
        lock (Gate)
        {
            _ipv6BindingPinned = true;
        }
    }

    /// <summary>
    /// Fault: the next <paramref name="count"/> listener checks that reach a running SSTP listener are answered with
    /// <paramref name="statusCode"/> (503, say, as HTTP.sys answers when nothing serves the URL) instead of 401.
    /// </summary>
    public void AnswerNextListenerProbes(int count, int statusCode)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        lock (Gate)
        {
            _probeFaultsLeft = count;
            _probeFaultStatus = statusCode;
        }
    }

    /// <summary>
    /// Setup: TLS offloaded to the load balancer (RRAS's "Use HTTP", <c>UseHttps</c> = 0), or not. The reported setting
    /// changes at once; the listener speaks plain HTTP (or HTTPS again) from the next restart of RemoteAccess, as on Windows.
    /// </summary>
    public void SetTlsOffload(bool offloaded)
    {
        lock (Gate)
        {
            _useHttps = !offloaded;
            SignalChangeLocked();
        }
    }

    /// <summary>Fault: a RADIUS timeout too short for phone-call MFA (or any other value).</summary>
    public void SetRadiusTimeout(int seconds)
    {
        lock (Gate)
        {
            _radiusTimeoutSeconds = seconds;
            SignalChangeLocked();
        }
    }

    /// <summary>Fault: <c>EnableServerFragmentation</c> off, or absent (null).</summary>
    public void SetIkev2Fragmentation(bool? enabled)
    {
        lock (Gate)
        {
            _ikev2Fragmentation = enabled;
            SignalChangeLocked();
        }
    }

    /// <summary>Connects a user (or device) now, e.g. to have someone to disconnect in a test or a demo.</summary>
    public void Connect(string userName, ReportedTunnelType tunnel = ReportedTunnelType.Sstp)
    {
        lock (Gate)
        {
            if (_restart is not null)
            {
                throw new InvalidOperationException($"RemoteAccess on {MachineName} is restarting; nobody can connect until it runs again.");
            }

            var now = Time.GetUtcNow();
            Advance(now);
            var session = StartSessionLocked(now, now + Exponential(Options.MeanSessionDuration));
            session.UserName = userName;
            session.Tunnel = tunnel;
            session.AuthMethod = userName.Contains('\\', StringComparison.Ordinal) ? "MSCHAPv2" : tunnel == ReportedTunnelType.Ikev2 && !userName.Contains('@', StringComparison.Ordinal) ? "MachineCertificate" : "EAP";
            SignalChangeLocked();
        }
    }

    public override async Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        var check = Options.SessionChangeCheckInterval > TimeSpan.Zero ? Options.SessionChangeCheckInterval : TimeSpan.FromSeconds(1);
        while (true)
        {
            // Store changes and commands wake the base wait at once; sessions are looked at every check interval.
            var stores = base.WaitForChangeAsync(cancellationToken);
            if (stores.IsCompleted)
            {
                await stores;
                return;
            }

            var tick = Task.Delay(check, Time, cancellationToken);
            var first = await Task.WhenAny(stores, tick);
            await first;
            if (first == stores)
            {
                return;
            }

            lock (Gate)
            {
                Advance(Time.GetUtcNow());
                if (_sessionsChanged)
                {
                    return;
                }
            }
        }
    }

    protected override void Advance(DateTimeOffset now)
    {
        if (now <= _advancedTo)
        {
            return;
        }

        // Events in time order, so a session that came and went between two looks is counted but never seen.
        while (true)
        {
            var departure = NextDepartureLocked();
            var nextEvent = departure is { } d && d.End < _nextArrival ? d.End : _nextArrival;
            if (nextEvent > now)
            {
                break;
            }

            if (departure is { } leaving && leaving.End <= _nextArrival)
            {
                _departures.Dequeue();
                EndSessionLocked(leaving.Session, leaving.End);
            }
            else
            {
                // Nobody connects while RemoteAccess restarts; clients try again later and arrive as new sessions then.
                if (_restart is null)
                {
                    StartSessionLocked(_nextArrival, _nextArrival + Exponential(Options.MeanSessionDuration));
                }

                _nextArrival += NextInterArrival();
            }
        }

        _advancedTo = now;
    }

    protected override ServerState CollectLocked(DateTimeOffset now, IReadOnlyList<ReportedCertificate> certificates)
    {
        _sessionsChanged = false;
        var sessions = new List<ReportedSession>(_sessions.Count);
        long bytesIn = 0, bytesOut = 0;
        var users = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var session in _sessions.Values)
        {
            var (sessionIn, sessionOut) = session.BytesAt(now);
            bytesIn += sessionIn;
            bytesOut += sessionOut;
            users.Add(session.UserName);
            sessions.Add(new ReportedSession
            {
                UserNames = [session.UserName],
                HostName = session.Tunnel == ReportedTunnelType.Ikev2 && session.AuthMethod == "MachineCertificate" ? session.UserName : null,
                ClientExternalAddress = session.ExternalAddress,
                ClientIpAddresses = [session.TunnelAddress],
                TunnelType = session.Tunnel,
                AuthMethod = session.AuthMethod,
                ConnectionStartTime = session.Start,
                ConnectionDurationSeconds = (long)Math.Max(0, (now - session.Start).TotalSeconds),
                TotalBytesIn = sessionIn,
                TotalBytesOut = sessionOut,
            });
        }

        var rras = new RrasState
        {
            Sessions = sessions,
            Summary = new ConnectionSummary
            {
                TotalConnections = sessions.Count,
                TotalVpnConnections = sessions.Count,
                TotalDaConnections = 0,
                TotalUniqueUsers = users.Count,
                MaxConcurrentConnections = _maxConcurrent,
                TotalCumulativeConnections = _cumulativeConnections,

                // Cumulative since the service started, as RRAS counts them: what ended sessions moved plus the live ones.
                TotalBytesIn = _endedBytesIn + bytesIn,
                TotalBytesOut = _endedBytesOut + bytesOut,
            },
            SslBindings =
            [
                new ReportedSslBinding { IpPort = $"0.0.0.0:{ListenerPort}", CertificateHash = _ipv4BindingHash, ApplicationId = SstpApplicationId, CertificateStoreName = "MY" },
                new ReportedSslBinding { IpPort = $"[::]:{ListenerPort}", CertificateHash = _ipv6BindingHash, ApplicationId = SstpApplicationId, CertificateStoreName = "MY" },
            ],
            Sstp = new SstpParameters { ListenerPort = ListenerPort, UseHttps = _useHttps, Sha256CertificateHash = _sstpSha256, Sha256CertificateHashSetByAdmin = _sstpSha256SetByAdmin },
            ConfiguredSstpCertificateSha1 = _configuredSstpSha1,
            Ikev2FragmentationEnabled = _ikev2Fragmentation,
            RadiusServers = Options.RadiusServers
                .Select((address, i) => new ReportedRadiusServer { Address = address, TimeoutSeconds = _radiusTimeoutSeconds, Priority = i + 1 })
                .ToList(),
        };
        return new ServerState(rras, null, certificates);
    }

    protected override Task<string> StartRoleCommandLocked(AgentCommandMessage command) => command.Kind switch
    {
        AgentCommandKinds.DisconnectUser => Task.FromResult(DisconnectLocked(Payload<DisconnectUserPayload>(command).UserName)),
        AgentCommandKinds.DisconnectSessions => Task.FromResult(DisconnectSessionsLocked(Payload<DisconnectSessionsPayload>(command).TunnelAddresses)),
        AgentCommandKinds.SetSstpCertificate => Task.FromResult(SetSstpCertificateLocked(Payload<SetSstpCertificatePayload>(command).Sha1Thumbprint)),
        AgentCommandKinds.SetSstpOffloadHash => Task.FromResult(SetSstpOffloadHashLocked(Payload<SetSstpOffloadHashPayload>(command).Sha256Hash)),
        AgentCommandKinds.RestartRemoteAccess => RestartRemoteAccessLocked(),
        AgentCommandKinds.CheckSstpListener => Task.FromResult(CheckSstpListenerLocked(Payload<CheckSstpListenerPayload>(command))),
        _ => throw new CommandFailedException($"This agent does not know the command '{command.Kind}'."),
    };

    private string DisconnectLocked(string userName)
    {
        // Disconnect-VpnUser matches the name as the session carries it (UPN, DOMAIN\user or device FQDN), ignoring case.
        var matching = _sessions.Values.Where(s => string.Equals(s.UserName, userName, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matching.Count == 0)
        {
            // As the Windows host answers: the user being off this server is the state the command asks for.
            return $"{userName} had no VPN session on {MachineName}.";
        }

        foreach (var session in matching)
        {
            EndSessionLocked(session, Time.GetUtcNow());
        }

        SignalChangeLocked();
        return $"Disconnected {matching.Count} connection(s) of {userName}.";
    }

    private string DisconnectSessionsLocked(IReadOnlyList<string> tunnelAddresses)
    {
        // Disconnect-VpnUser -HostIPAddress ends the connections holding those tunnel addresses, and only them.
        var wanted = Hosting.TunnelAddresses.Validate(tunnelAddresses).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var matching = _sessions.Values.Where(s => wanted.Contains(s.TunnelAddress)).ToList();
        foreach (var session in matching)
        {
            EndSessionLocked(session, Time.GetUtcNow());
        }

        if (matching.Count > 0)
        {
            SignalChangeLocked();
        }

        return Hosting.TunnelAddresses.Describe(matching.Count, wanted.Count - matching.Count, MachineName);
    }

    /// <summary>The tunnel addresses of the live sessions of a user, as reported (for tests ending single connections).</summary>
    public IReadOnlyList<string> TunnelAddressesOf(string userName)
    {
        lock (Gate)
        {
            return _sessions.Values.Where(s => string.Equals(s.UserName, userName, StringComparison.OrdinalIgnoreCase)).Select(s => s.TunnelAddress).ToList();
        }
    }

    private string SetSstpCertificateLocked(string sha1)
    {
        var certificate = FindLocked(CertificateStoreKind.My, sha1)
            ?? throw new CommandFailedException($"The certificate {sha1.ToUpperInvariant()} is not in Local Computer\\Personal (My); SSTP still uses {_configuredSstpSha1 ?? "its default certificate"}.");
        if (!certificate.HasPrivateKey)
        {
            throw new CommandFailedException($"The certificate {sha1.ToUpperInvariant()} in Local Computer\\Personal has no private key, so SSTP cannot use it; SSTP still uses {_configuredSstpSha1 ?? "its default certificate"}.");
        }

        var thumbprint = SimulatedCertificates.Sha1(certificate);
        _configuredSstpSha1 = thumbprint;
        _ipv4BindingHash = thumbprint;
        if (!_ipv6BindingPinned)
        {
            _ipv6BindingHash = thumbprint;
        }

        if (!_sstpSha256SetByAdmin)
        {
            _sstpSha256 = SimulatedCertificates.Sha256(certificate);
        }

        SignalChangeLocked();
        return $"SSTP now uses certificate {thumbprint} ({certificate.Subject}, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}); {BindingsLocked()}.";
    }

    private string SetSstpOffloadHashLocked(string? sha256)
    {
        if (sha256 is null)
        {
            if (_sstpSha256 is null)
            {
                return $"SHA256CertificateHash was not set on {MachineName}; nothing to remove.";
            }

            _sstpSha256 = null;
            _sstpSha256SetByAdmin = false;
            SignalChangeLocked();
            return $"Removed SHA256CertificateHash on {MachineName}; SSTP records its own certificate's hash when RemoteAccess restarts.";
        }

        var hash = CommandHashes.Sha256(sha256);
        if (_sstpSha256SetByAdmin && _sstpSha256 == hash)
        {
            return $"SHA256CertificateHash on {MachineName} is already {hash}; nothing changed.";
        }

        // Marked as the administrator's, as the Enable-SSTPOffload script does: SSTP then keeps it at start instead of
        // recording its own certificate's hash over it.
        _sstpSha256 = hash;
        _sstpSha256SetByAdmin = true;
        SignalChangeLocked();
        return $"SHA256CertificateHash on {MachineName} is now {hash}; SSTP uses it from the next restart of RemoteAccess.";
    }

    private Task<string> RestartRemoteAccessLocked()
    {
        if (_restart is { } underWay)
        {
            // Restart-Service on a service that is already restarting waits for that restart; so does this command.
            return underWay.Done.Task;
        }

        // Stopping RemoteAccess drops every connection, and its counters start again from zero with the service.
        var now = Time.GetUtcNow();
        var ended = _sessions.Count;
        foreach (var session in _sessions.Values.ToList())
        {
            EndSessionLocked(session, now);
        }

        _cumulativeConnections = 0;
        _maxConcurrent = 0;
        _endedBytesIn = 0;
        _endedBytesOut = 0;
        var restart = new RestartUnderWay(ended);
        _restart = restart;
        SignalChangeLocked();

        var duration = Options.RemoteAccessRestartDuration;
        if (duration > TimeSpan.Zero)
        {
            restart.Timer = Time.CreateTimer(static state => ((SimulatedRrasServer)state!).FinishRestart(), this, duration, Timeout.InfiniteTimeSpan);
        }
        else
        {
            FinishRestartLocked();
        }

        return restart.Done.Task;
    }

    private void FinishRestart()
    {
        lock (Gate)
        {
            // Arrivals during the restart are dropped by Advance while the restart is still under way.
            Advance(Time.GetUtcNow());
            FinishRestartLocked();
        }
    }

    private void FinishRestartLocked()
    {
        if (_restart is not { } restart)
        {
            return;
        }

        restart.Timer?.Dispose();
        _restart = null;
        var sstp = StartSstpLocked();
        SignalChangeLocked();
        restart.Done.TrySetResult($"RemoteAccess on {MachineName} restarted and runs again; {restart.SessionsEnded} VPN session(s) ended with the restart. {sstp}");
    }

    /// <summary>
    /// What sstpsvc does as RemoteAccess starts: read "Use HTTP", bind the configured certificate (in My, with its key) to
    /// both HTTP.sys bindings with SSTP's application id, and record that certificate's SHA-256 unless an administrator set
    /// one. Without a usable certificate SSTP does not listen, unless TLS is offloaded and the administrator's hash names
    /// the load balancer's certificate.
    /// </summary>
    private string StartSstpLocked()
    {
        _listenerUsesHttps = _useHttps;
        var configured = _configuredSstpSha1 is null ? null : FindLocked(CertificateStoreKind.My, _configuredSstpSha1);
        if (configured is { HasPrivateKey: true })
        {
            var sha1 = SimulatedCertificates.Sha1(configured);
            _ipv4BindingHash = sha1;
            if (!_ipv6BindingPinned)
            {
                _ipv6BindingHash = sha1;
            }

            _ipv6BindingPinned = false;
            if (!_sstpSha256SetByAdmin)
            {
                _sstpSha256 = SimulatedCertificates.Sha256(configured);
            }

            _sstpNotListening = null;
            return $"SSTP listens on port {ListenerPort} over {(_listenerUsesHttps ? "HTTPS" : "plain HTTP (TLS offloaded)")} with certificate {sha1}, {BindingsLocked()}.";
        }

        _ipv6BindingPinned = false;
        if (!_listenerUsesHttps && _sstpSha256SetByAdmin)
        {
            _sstpNotListening = null;
            return $"SSTP listens on port {ListenerPort} over plain HTTP (TLS offloaded) for the load balancer's certificate {_sstpSha256}.";
        }

        _sstpNotListening = configured is null
            ? $"its certificate {_configuredSstpSha1 ?? "(none configured)"} is not in Local Computer\\Personal"
            : $"its certificate {_configuredSstpSha1} has no private key";
        return $"SSTP is not listening: {_sstpNotListening}.";
    }

    /// <summary>The HTTP.sys bindings as a message states them: one hash when both agree, each otherwise.</summary>
    private string BindingsLocked() => _ipv4BindingHash == _ipv6BindingHash
        ? $"bound to 0.0.0.0:{ListenerPort} and [::]:{ListenerPort}"
        : $"bound to 0.0.0.0:{ListenerPort} ({_ipv4BindingHash}); [::]:{ListenerPort} presents {_ipv6BindingHash}";

    private string CheckSstpListenerLocked(CheckSstpListenerPayload payload)
    {
        var check = SstpListenerCheck.From(payload);
        return check.Judge(ProbeLocked(check));
    }

    /// <summary>What a HEAD of the probe path on this server's own listener would get now.</summary>
    private SstpProbeAnswer ProbeLocked(SstpListenerCheck check)
    {
        if (_restart is not null)
        {
            return SstpProbeAnswer.NoAnswer("connection refused: RemoteAccess is restarting");
        }

        if (_sstpNotListening is { } why)
        {
            return SstpProbeAnswer.NoAnswer($"connection refused: SSTP did not start, {why}");
        }

        if (check.Port != ListenerPort)
        {
            return SstpProbeAnswer.NoAnswer($"connection refused: SSTP listens on port {ListenerPort}");
        }

        if (check.UseHttps != _listenerUsesHttps)
        {
            return SstpProbeAnswer.NoAnswer(check.UseHttps
                ? "the TLS handshake failed: the listener speaks plain HTTP (TLS is offloaded)"
                : "the connection was closed: the listener expects TLS");
        }

        // HTTP.sys serves 127.0.0.1 from the IPv4 binding, which is what the Windows host's probe connects to.
        var presented = check.UseHttps ? _ipv4BindingHash : null;
        if (_probeFaultsLeft > 0)
        {
            _probeFaultsLeft--;
            return SstpProbeAnswer.Answered(_probeFaultStatus, presented);
        }

        return SstpProbeAnswer.Answered(401, presented);
    }

    private (SimulatedSession Session, DateTimeOffset End)? NextDepartureLocked()
    {
        // Sessions ended by a command stay in the queue; skip them here rather than search the heap on every disconnect.
        while (_departures.TryPeek(out var session, out var end))
        {
            if (session.Ended)
            {
                _departures.Dequeue();
                continue;
            }

            return (session, end);
        }

        return null;
    }

    private SimulatedSession StartSessionLocked(DateTimeOffset start, DateTimeOffset end)
    {
        var device = Random.NextDouble() < Options.DeviceTunnelShare;
        var tunnel = device || Random.NextDouble() >= Options.SstpShareOfUserTunnels ? ReportedTunnelType.Ikev2 : ReportedTunnelType.Sstp;
        var session = new SimulatedSession
        {
            Id = ++_nextSessionId,
            UserName = device ? SimulatedPeople.Device(1000 + Random.Next(9000), Options.Domain) : UserName(),
            Tunnel = tunnel,
            AuthMethod = device ? "MachineCertificate" : "EAP",
            Start = start,
            ExternalAddress = ExternalAddress(),
            TunnelAddress = AllocateAddressLocked(out var addressIndex),
            AddressIndex = addressIndex,

            // Device tunnels carry management traffic; user tunnels anything from mail to video calls.
            RateIn = device ? 200 + Random.NextDouble() * 1_500 : 2_000 + Random.NextDouble() * 120_000,
            RateOut = device ? 100 + Random.NextDouble() * 800 : 500 + Random.NextDouble() * 40_000,
            HandshakeIn = 4_000 + Random.Next(12_000),
            HandshakeOut = 3_000 + Random.Next(8_000),
        };
        _sessions[session.Id] = session;
        _departures.Enqueue(session, end);
        _cumulativeConnections++;
        _maxConcurrent = Math.Max(_maxConcurrent, _sessions.Count);
        _sessionsChanged = true;
        return session;
    }

    private void EndSessionLocked(SimulatedSession session, DateTimeOffset at)
    {
        if (session.Ended)
        {
            return;
        }

        var (bytesIn, bytesOut) = session.BytesAt(at);
        _endedBytesIn += bytesIn;
        _endedBytesOut += bytesOut;
        session.Ended = true;
        _sessions.Remove(session.Id);
        _usedAddresses.Remove(session.AddressIndex);
        _sessionsChanged = true;
    }

    private string UserName()
    {
        var person = SimulatedPeople.Person(Random.Next(SimulatedPeople.PeopleCount));

        // Windows clients with EAP present the UPN; older MSCHAPv2 profiles DOMAIN\user.
        return Random.NextDouble() < 0.8 ? $"{person}@{Options.Domain}" : $"{Options.NetbiosDomain}\\{person}";
    }

    private string AllocateAddressLocked(out int index)
    {
        // Skip .0 and the first block (the server's own addresses); 65,000 addresses outlast any target here.
        do
        {
            index = 256 + Random.Next(65_000);
        }
        while (!_usedAddresses.Add(index));

        return new IPAddress(BitConverter.IsLittleEndian
            ? (uint)IPAddress.HostToNetworkOrder((int)(_addressPoolBase + (uint)index))
            : _addressPoolBase + (uint)index).ToString();
    }

    private string ExternalAddress()
    {
        // Home and mobile broadband ranges: public, varied, not reserved for documentation.
        var first = Random.Next(4) switch { 0 => 81, 1 => 92, 2 => 176, _ => 213 };
        return string.Create(CultureInfo.InvariantCulture, $"{first}.{Random.Next(256)}.{Random.Next(256)}.{1 + Random.Next(254)}");
    }

    private TimeSpan NextInterArrival() =>
        _arrivalsPerSecond > 0 ? TimeSpan.FromSeconds(-Math.Log(1 - Random.NextDouble()) / _arrivalsPerSecond) : TimeSpan.MaxValue / 4;

    private TimeSpan Exponential(TimeSpan mean)
    {
        // At least two minutes: shorter sessions are failed attempts, which RRAS does not list.
        var seconds = -Math.Log(1 - Random.NextDouble()) * mean.TotalSeconds;
        return TimeSpan.FromSeconds(Math.Max(120, seconds));
    }

    /// <summary>A restart of RemoteAccess under way: what its command answers, and the timer that ends it.</summary>
    private sealed class RestartUnderWay(int sessionsEnded)
    {
        public int SessionsEnded { get; } = sessionsEnded;
        public TaskCompletionSource<string> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ITimer? Timer { get; set; }
    }

    private sealed class SimulatedSession
    {
        public long Id { get; init; }
        public required string UserName { get; set; }
        public ReportedTunnelType Tunnel { get; set; }
        public required string AuthMethod { get; set; }
        public DateTimeOffset Start { get; init; }
        public required string ExternalAddress { get; init; }
        public required string TunnelAddress { get; init; }
        public int AddressIndex { get; init; }
        public double RateIn { get; init; }
        public double RateOut { get; init; }
        public long HandshakeIn { get; init; }
        public long HandshakeOut { get; init; }
        public bool Ended { get; set; }

        public (long In, long Out) BytesAt(DateTimeOffset now)
        {
            var seconds = Math.Max(0, (now - Start).TotalSeconds);
            return (HandshakeIn + (long)(RateIn * seconds), HandshakeOut + (long)(RateOut * seconds));
        }
    }
}
