using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Xunit;

namespace VpnPortal.Testing;

/// <summary>
/// A real OpenID Connect provider (node oidc-provider, tests/oidc-provider/server.mjs) on a loopback port of its own,
/// installed from its lockfile with npm ci on first use and killed when disposed. Without Node.js the test is skipped
/// with the reason, except on CI (CI=true), where it fails.
/// </summary>
public sealed class OidcTestProvider : IAsyncDisposable
{
    public const string ClientId = "vpnportal-tests";

    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static bool _installed;

    private readonly Process _process;
    private readonly HttpClient _http;

    private OidcTestProvider(Process process, Uri issuer, string clientSecret, string? tenant)
    {
        _process = process;
        Issuer = issuer;
        ClientSecret = clientSecret;
        Tenant = tenant;
        _http = new HttpClient { BaseAddress = issuer, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The provider's issuer, http://127.0.0.1:PORT (no trailing slash), or http://127.0.0.1:PORT/{tenant}/v2.0 as Entra ID.</summary>
    public Uri Issuer { get; }

    /// <summary>The directory (tenant) id when the provider stands in for Microsoft Entra ID.</summary>
    public string? Tenant { get; }

    /// <summary>Where Entra ID's stand-in is: its cloud's sign-in address (http://127.0.0.1:PORT/).</summary>
    public string Instance => Issuer.GetLeftPart(UriPartial.Authority) + "/";

    public string IssuerText => Issuer.ToString().TrimEnd('/');

    public string ClientSecret { get; }

    public static string Folder => SourceTree.File("tests", "oidc-provider");

    /// <summary>
    /// Starts a provider whose one client is the portal at these redirect URIs. With a <paramref name="clientCertificate"/>
    /// it stands in for Microsoft Entra ID: a directory of its own (issuer {instance}{tenant}/v2.0, tokens that carry
    /// tid), and the portal must authenticate with a client assertion signed by that certificate, not a secret.
    /// </summary>
    public static async Task<OidcTestProvider> StartAsync(
        IEnumerable<string> redirectUris, IEnumerable<string> postLogoutRedirectUris, CancellationToken ct, X509Certificate2? clientCertificate = null)
    {
        await EnsureInstalledAsync(ct);
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var start = new ProcessStartInfo("node", "server.mjs")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["OIDC_CLIENT_ID"] = ClientId;
        start.Environment["OIDC_CLIENT_SECRET"] = secret;
        start.Environment["OIDC_REDIRECT_URIS"] = string.Join(",", redirectUris);
        start.Environment["OIDC_POST_LOGOUT_REDIRECT_URIS"] = string.Join(",", postLogoutRedirectUris);
        var tenant = clientCertificate is null ? null : Guid.NewGuid().ToString();
        if (clientCertificate is not null)
        {
            start.Environment["OIDC_TENANT"] = tenant;
            start.Environment["OIDC_CLIENT_JWK"] = PublicJwk(clientCertificate);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var errors = process.StandardError.ReadToEndAsync(ct);
        var first = await process.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);
        if (first is null)
        {
            await process.WaitForExitAsync(ct);
            throw new InvalidOperationException($"The test OpenID Connect provider exited with {process.ExitCode}: {await errors}");
        }

        var issuer = JsonDocument.Parse(first).RootElement.GetProperty("issuer").GetString()!;
        return new OidcTestProvider(process, new Uri(issuer), secret, tenant);
    }

    /// <summary>A new self-signed RSA certificate with its private key, as an app registration's credential.</summary>
    public static X509Certificate2 NewClientCertificate(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>The certificate's public key as the JWK the provider checks client assertions with, named as Entra ID names it.</summary>
    private static string PublicJwk(X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPublicKey() ?? throw new ArgumentException("The client certificate must have an RSA key.", nameof(certificate));
        var key = rsa.ExportParameters(false);
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["kid"] = Base64Url(certificate.GetCertHash(HashAlgorithmName.SHA256)),
            ["use"] = "sig",
            ["n"] = Base64Url(key.Modulus!),
            ["e"] = Base64Url(key.Exponent!),
        });
    }

    private static string Base64Url(byte[] value) => Convert.ToBase64String(value).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Adds (or replaces) an account that signs in with <paramref name="login"/>; returns its subject.</summary>
    public async Task<string> AddUserAsync(string login, object claims, string? sub = null)
    {
        using var response = await _http.PostAsJsonAsync("/test/users", new { login, claims, sub });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sub").GetString()!;
    }

    /// <summary>A new key signs from now on; the old ones stay published unless <paramref name="retireOld"/>.</summary>
    public async Task<string> RotateKeysAsync(bool retireOld)
    {
        using var response = await _http.PostAsJsonAsync("/test/rotate-keys", new { retireOld });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("kid").GetString()!;
    }

    /// <summary>The next token response carries a bad id_token of this kind (see server.mjs: tampered, expired, ...).</summary>
    public async Task NextTokenAsync(string mode)
    {
        using var response = await _http.PostAsJsonAsync("/test/next-token", new { mode });
        response.EnsureSuccessStatusCode();
    }

    public async Task<int> SessionsEndedAsync() =>
        (await _http.GetFromJsonAsync<JsonElement>("/test/sessions-ended")).GetProperty("sessionsEnded").GetInt32();

    /// <summary>The portal settings that point it at this provider.</summary>
    public Dictionary<string, string> PortalSettings(string displayName = "Test IdP") => new()
    {
        ["Authentication:Oidc:Enabled"] = "true",
        ["Authentication:Oidc:DisplayName"] = displayName,
        ["Authentication:Oidc:Authority"] = IssuerText,
        ["Authentication:Oidc:ClientId"] = ClientId,
        ["Authentication:Oidc:ClientSecret"] = ClientSecret,
        ["Authentication:Oidc:RequireHttpsMetadata"] = "false",
        ["Authentication:Oidc:KeyRefreshMinimumInterval"] = "00:00:01",
        ["Authentication:Oidc:RoleMap:Admin:0"] = "VpnPortal.Admin",
        ["Authentication:Oidc:RoleMap:Admin:1"] = AdminGroup,
        ["Authentication:Oidc:RoleMap:OnCall:0"] = "VpnPortal.OnCall",
        ["Authentication:Oidc:RoleMap:User:0"] = "VpnPortal.User",
    };

    /// <summary>The portal settings that point it at this provider as Microsoft Entra ID, with the certificate in a PFX file.</summary>
    public Dictionary<string, string> EntraPortalSettings(string certificatePath, string certificatePassword, string displayName = "Contoso")
    {
        var settings = PortalSettings(displayName);
        settings.Remove("Authentication:Oidc:Authority");
        settings.Remove("Authentication:Oidc:ClientSecret");
        settings["Authentication:Oidc:Entra:Instance"] = Instance;
        settings["Authentication:Oidc:Entra:TenantId"] = Tenant ?? throw new InvalidOperationException("This provider was not started as Entra ID.");
        settings["Authentication:Oidc:ClientCertificatePath"] = certificatePath;
        settings["Authentication:Oidc:ClientCertificatePassword"] = certificatePassword;
        return settings;
    }

    /// <summary>A directory group whose members are portal admins in <see cref="PortalSettings"/>.</summary>
    public const string AdminGroup = "0b6c3a3e-7f52-4d8e-9a40-3c1f0e2d5a11";

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _process.Dispose();
        }
    }

    public static bool NodeInstalled => FindOnPath("node") is not null && FindOnPath("npm") is not null;

    /// <summary>Skips the test without Node.js (fails it on CI, where every test must run).</summary>
    public static void SkipUnlessNodeInstalled()
    {
        if (NodeInstalled)
        {
            return;
        }

        const string reason = "Sign-in tests need Node.js and npm for the test OpenID Connect provider (apt-get install nodejs npm).";
        if (TestEnvironment.IsCi)
        {
            throw new InvalidOperationException("On CI every sign-in test must run. " + reason);
        }

        Assert.Skip(reason);
    }

    /// <summary>npm ci from the lockfile, once per test run (a lock file keeps parallel test processes from racing).</summary>
    private static async Task EnsureInstalledAsync(CancellationToken ct)
    {
        await InstallGate.WaitAsync(ct);
        try
        {
            if (_installed)
            {
                return;
            }

            SkipUnlessNodeInstalled();
            await using var lockFile = await LockAsync(Path.Combine(Folder, ".install.lock"), ct);
            var marker = Path.Combine(Folder, "node_modules", ".package-lock.json");
            if (!File.Exists(marker) || File.GetLastWriteTimeUtc(marker) < File.GetLastWriteTimeUtc(Path.Combine(Folder, "package-lock.json")))
            {
                var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund")
                {
                    WorkingDirectory = Folder,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                })!;
                var output = npm.StandardOutput.ReadToEndAsync(ct);
                var errors = npm.StandardError.ReadToEndAsync(ct);
                await npm.WaitForExitAsync(ct);
                if (npm.ExitCode != 0)
                {
                    throw new InvalidOperationException($"npm ci in {Folder} failed ({npm.ExitCode}): {await output}{await errors}");
                }
            }

            _installed = true;
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(200, ct);
            }
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
