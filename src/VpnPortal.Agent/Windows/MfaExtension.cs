using System.Security.Cryptography.X509Certificates;
using VpnPortal.Contracts.Agents;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Agent.Windows;

/// <summary>
/// The Azure MFA NPS extension as an NPS server shows it locally. It is installed when NPS loads its two DLLs
/// (<c>ExtensionDLLs</c> = ...\MfaNpsAuthnExt.dll and <c>AuthorizationDLLs</c> = ...\MfaNpsAuthzExt.dll under
/// AuthSrv\Parameters, what Microsoft's troubleshooting script checks); its version is the DLL's file version; it signs in
/// to Entra ID with a certificate in Local Computer\Personal whose subject is <c>CN=&lt;tenant id&gt;, OU=Microsoft NPS Extension</c>.
/// Whether the two service principals are enabled is only visible in the tenant, so those stay null.
/// </summary>
public static class MfaExtension
{
    public const string AuthSrvParametersKey = @"SYSTEM\CurrentControlSet\Services\AuthSrv\Parameters";
    public const string AzureMfaKey = @"SOFTWARE\Microsoft\AzureMfa";
    public const string AuthorizationDll = "MfaNpsAuthzExt.dll";
    public const string ExtensionDll = "MfaNpsAuthnExt.dll";

    /// <param name="registry">HKLM.</param>
    /// <param name="fileVersion">The file version of a DLL by path, null when the file is absent.</param>
    /// <param name="personal">The certificates in Local Computer\Personal.</param>
    /// <param name="now">To prefer a certificate that is currently valid.</param>
    public static MfaExtensionReport Inspect(IMachineRegistry registry, Func<string, string?> fileVersion, IEnumerable<X509Certificate2> personal, DateTimeOffset now)
    {
        var authorization = DllPaths(registry, "AuthorizationDLLs").FirstOrDefault(p => EndsWithFile(p, AuthorizationDll));
        var extension = DllPaths(registry, "ExtensionDLLs").FirstOrDefault(p => EndsWithFile(p, ExtensionDll));
        if (authorization is null || extension is null)
        {
            return new MfaExtensionReport { Installed = false };
        }

        var tenant = registry.GetValue(AzureMfaKey, "TENANT_ID") as string;
        return new MfaExtensionReport
        {
            Installed = true,
            Version = fileVersion(authorization),
            CertificateSha1 = ChooseCertificate(personal, tenant, now),
            ClientServicePrincipalEnabled = null,
            ConnectorServicePrincipalEnabled = null,
        };
    }

    /// <summary>
    /// The extension's certificate: CN = the tenant id (any GUID when the tenant is not recorded) and OU = Microsoft NPS
    /// Extension. The configuration script adds a new one on every run without removing the old; the extension uses a
    /// valid one, so the valid one that lasts longest is reported, else the newest.
    /// </summary>
    public static string? ChooseCertificate(IEnumerable<X509Certificate2> personal, string? tenantId, DateTimeOffset now)
    {
        // Read through the reader, which never throws: one malformed certificate in Personal must not cost the report.
        var candidates = personal.Select(CertificateReader.Read).Where(c => MfaExtensionCertificates.IsNamedLikeOne(c.Subject, tenantId)).ToList();
        var chosen = candidates
            .OrderByDescending(c => CertificateExpiry.Classify(c.NotBefore, c.NotAfter, now) is ExpiryState.Valid or ExpiryState.ExpiringSoon)
            .ThenByDescending(c => c.NotAfter)
            .FirstOrDefault();
        return chosen?.Sha1Thumbprint;
    }

    private static IEnumerable<string> DllPaths(IMachineRegistry registry, string valueName) => registry.GetValue(AuthSrvParametersKey, valueName) switch
    {
        string one => [one],
        string[] many => many,
        _ => [],
    };

    private static bool EndsWithFile(string path, string file) =>
        path.Trim().Trim('"').EndsWith(@"\" + file, StringComparison.OrdinalIgnoreCase);
}
