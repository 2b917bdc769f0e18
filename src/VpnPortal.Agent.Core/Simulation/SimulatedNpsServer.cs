using VpnPortal.Agent.Hosting;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Simulation;

/// <summary>
/// An NPS server in memory: its PEAP server certificate and the Azure MFA NPS extension's certificate in My, the
/// organisation's issuing CA in NTAuth, and the MFA extension installed with both service principals enabled.
/// </summary>
public sealed class SimulatedNpsServer : SimulatedServer
{
    private static readonly IReadOnlyList<CertificateStoreKind> NpsStores = [CertificateStoreKind.My, CertificateStoreKind.NTAuth];

    private bool _mfaInstalled = true;
    private bool? _clientPrincipalEnabled = true;
    private bool? _connectorPrincipalEnabled = true;

    public SimulatedNpsServer(string machineName, SimulationOptions options, TimeProvider? time = null)
        : base(machineName, options, time)
    {
        AddLocked(CertificateStoreKind.My, Certificates.NpsServerCertificate);
        AddLocked(CertificateStoreKind.My, Certificates.MfaExtensionCertificate);
        AddLocked(CertificateStoreKind.NTAuth, Certificates.IssuingCa);
    }

    public override AgentRole Role => AgentRole.Nps;

    protected override IReadOnlyList<CertificateStoreKind> ReportedStores => NpsStores;

    /// <summary>Fault: a disabled "Azure Multi-Factor Auth Client" or "Connector" service principal (the ESTS_TOKEN_ERROR case); null when unknown.</summary>
    public void SetMfaServicePrincipals(bool? clientEnabled, bool? connectorEnabled)
    {
        lock (Gate)
        {
            _clientPrincipalEnabled = clientEnabled;
            _connectorPrincipalEnabled = connectorEnabled;
            SignalChangeLocked();
        }
    }

    /// <summary>Fault: the MFA extension uninstalled (or installed again).</summary>
    public void SetMfaExtensionInstalled(bool installed)
    {
        lock (Gate)
        {
            _mfaInstalled = installed;
            SignalChangeLocked();
        }
    }

    protected override ServerState CollectLocked(DateTimeOffset now, IReadOnlyList<ReportedCertificate> certificates)
    {
        var mfaCertificate = SimulatedCertificates.Sha1(Certificates.MfaExtensionCertificate);
        var nps = new NpsState
        {
            MfaExtension = _mfaInstalled
                ? new MfaExtensionReport
                {
                    Installed = true,
                    Version = "1.2.2216.1",
                    CertificateSha1 = FindLocked(CertificateStoreKind.My, mfaCertificate) is null ? null : mfaCertificate,
                    ClientServicePrincipalEnabled = _clientPrincipalEnabled,
                    ConnectorServicePrincipalEnabled = _connectorPrincipalEnabled,
                }
                : new MfaExtensionReport { Installed = false },
        };
        return new ServerState(null, nps, certificates);
    }

    protected override Task<string> StartRoleCommandLocked(AgentCommandMessage command) => command.Kind switch
    {
        AgentCommandKinds.DisconnectUser or AgentCommandKinds.SetSstpCertificate or AgentCommandKinds.SetSstpOffloadHash
            or AgentCommandKinds.RestartRemoteAccess or AgentCommandKinds.CheckSstpListener =>
            throw new CommandFailedException($"{MachineName} is an NPS server: '{command.Kind}' is a command for RRAS servers."),
        _ => throw new CommandFailedException($"This agent does not know the command '{command.Kind}'."),
    };
}
