using System.Globalization;
using System.Net;
using VpnPortal.Agent.Hosting;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Simulation;

/// <summary>
/// An RRAS server in memory: VPN sessions arrive and leave around <see cref="SimulationOptions.TargetSessions"/>
/// (user tunnels over SSTP or IKEv2, device tunnels over IKEv2 with a machine certificate), their bytes grow with
/// time, and the SSTP listener, its HTTP.sys bindings, RADIUS servers and certificate stores look like a healthy
/// server's until a command or a fault changes them.
/// </summary>
public sealed class SimulatedRrasServer : SimulatedServer
{
    /// <summary>SSTP's application id on its HTTP.sys bindings.</summary>
    public static readonly Guid SstpApplicationId = Guid.Parse("ba195980-cd49-458b-9e23-c84ee0adcd75");

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
                StartSessionLocked(_nextArrival, _nextArrival + Exponential(Options.MeanSessionDuration));
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
                new ReportedSslBinding { IpPort = "0.0.0.0:443", CertificateHash = _ipv4BindingHash, ApplicationId = SstpApplicationId, CertificateStoreName = "MY" },
                new ReportedSslBinding { IpPort = "[::]:443", CertificateHash = _ipv6BindingHash, ApplicationId = SstpApplicationId, CertificateStoreName = "MY" },
            ],
            Sstp = new SstpParameters { ListenerPort = 443, UseHttps = true, Sha256CertificateHash = _sstpSha256, Sha256CertificateHashSetByAdmin = false },
            ConfiguredSstpCertificateSha1 = _configuredSstpSha1,
            Ikev2FragmentationEnabled = _ikev2Fragmentation,
            RadiusServers = Options.RadiusServers
                .Select((address, i) => new ReportedRadiusServer { Address = address, TimeoutSeconds = _radiusTimeoutSeconds, Priority = i + 1 })
                .ToList(),
        };
        return new ServerState(rras, null, certificates);
    }

    protected override string ExecuteRoleCommandLocked(AgentCommandMessage command) => command.Kind switch
    {
        AgentCommandKinds.DisconnectUser => DisconnectLocked(Payload<DisconnectUserPayload>(command).UserName),
        AgentCommandKinds.SetSstpCertificate => SetSstpCertificateLocked(Payload<SetSstpCertificatePayload>(command).Sha1Thumbprint),
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
        _ipv6BindingHash = thumbprint;
        _sstpSha256 = SimulatedCertificates.Sha256(certificate);
        SignalChangeLocked();
        return $"SSTP now uses certificate {thumbprint} ({certificate.Subject}, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}); bound to 0.0.0.0:443 and [::]:443.";
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
