using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Rotations;

/// <summary>How rollout states and steps read for people.</summary>
public static class RotationText
{
    public static string Step(RotationStep step) => step switch
    {
        RotationStep.ImportPfx => "Import the PFX into Local Computer\\Personal",
        RotationStep.SetSstpCertificate => "Make it the SSTP certificate",
        RotationStep.SetOffloadHash => "Set SHA256CertificateHash (TLS offload)",
        RotationStep.RestartRemoteAccess => "Restart RemoteAccess",
        RotationStep.VerifyBindings => "Verify the IPv4 and IPv6 bindings",
        RotationStep.CheckListener => "Check the SSTP listener answers 401",
        RotationStep.RollbackSstpCertificate => "Rollback: restore the previous SSTP certificate",
        RotationStep.RollbackOffloadHash => "Rollback: restore SHA256CertificateHash",
        RotationStep.RollbackRestart => "Rollback: restart RemoteAccess",
        RotationStep.RollbackVerifyBindings => "Rollback: verify the bindings",
        RotationStep.RollbackCheckListener => "Rollback: check the SSTP listener",
        _ => step.ToString(),
    };

    /// <summary>Short machine-friendly names for the API.</summary>
    public static string Code(RotationStep step) => step switch
    {
        RotationStep.ImportPfx => "import-pfx",
        RotationStep.SetSstpCertificate => "set-sstp-certificate",
        RotationStep.SetOffloadHash => "set-offload-hash",
        RotationStep.RestartRemoteAccess => "restart-remote-access",
        RotationStep.VerifyBindings => "verify-bindings",
        RotationStep.CheckListener => "check-listener",
        RotationStep.RollbackSstpCertificate => "rollback-sstp-certificate",
        RotationStep.RollbackOffloadHash => "rollback-offload-hash",
        RotationStep.RollbackRestart => "rollback-restart",
        RotationStep.RollbackVerifyBindings => "rollback-verify-bindings",
        RotationStep.RollbackCheckListener => "rollback-check-listener",
        _ => step.ToString().ToLowerInvariant(),
    };

    /// <summary>"24 hours", "3 days", "45 minutes".</summary>
    public static string Duration(TimeSpan span) => Sessions.StaleSessions.Describe(span);

    public static bool IsRollback(RotationStep step) => step >= RotationStep.RollbackSstpCertificate;

    public static string Status(RotationStatus status) => status.ToString().ToLowerInvariant();

    public static string State(RotationServerState state, RotationRollbackState rollback) => (state, rollback) switch
    {
        (RotationServerState.InProgress, RotationRollbackState.RollingBack) => "rolling-back",
        (RotationServerState.Failed, RotationRollbackState.RolledBack) => "failed-rolled-back",
        (RotationServerState.Failed, RotationRollbackState.Failed) => "failed-rollback-failed",
        (RotationServerState.InProgress, _) => "in-progress",
        _ => state.ToString().ToLowerInvariant(),
    };
}
