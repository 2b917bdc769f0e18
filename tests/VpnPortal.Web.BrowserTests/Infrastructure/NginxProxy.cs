using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Web.BrowserTests.Infrastructure;

/// <summary>
/// Debian's nginx on loopback, running the shipped configuration (deploy/nginx/vpnportal.conf) in front of portal
/// nodes: only the node addresses, the listening ports and the certificate are put in for the test, and each of those
/// must be found in the file, so the test stops when the shipped file changes shape. TLS with a certificate made for
/// the run; <see cref="CreateClient"/> trusts exactly that certificate. The access log records which node served each
/// request and under which affinity key.
/// </summary>
public sealed partial class NginxProxy : IAsyncDisposable
{
    public const string Variable = "VPNPORTAL_TEST_NGINX";
    public const string DebianNginx = "/usr/sbin/nginx";

    private readonly Process _process;
    private readonly DirectoryInfo _folder;
    private readonly StringBuilder _output = new();

    private NginxProxy(Process process, DirectoryInfo folder, Uri baseUrl, X509Certificate2 certificate)
    {
        _process = process;
        _folder = folder;
        BaseUrl = baseUrl;
        Certificate = certificate;
    }

    public Uri BaseUrl { get; }

    /// <summary>The proxy's own certificate (self-signed for the run).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Starts nginx in front of <paramref name="nodes"/> (as many as the shipped file names) and waits until it accepts connections.</summary>
    public static async Task<NginxProxy> StartAsync(IReadOnlyList<Uri> nodes, CancellationToken ct)
    {
        var nginx = FindExecutable();
        var folder = Directory.CreateTempSubdirectory("vpnportal-nginx-");
        try
        {
            var port = PortalProcess.FreePort();
            var plainPort = PortalProcess.FreePort();
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=portal.corp.example", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("portal.corp.example");
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
            var certificate = X509CertificateLoader.LoadCertificate(made.RawData);
            var crt = Path.Combine(folder.FullName, "portal.crt");
            var pem = Path.Combine(folder.FullName, "portal.key");
            await File.WriteAllTextAsync(crt, certificate.ExportCertificatePem(), ct);
            await File.WriteAllTextAsync(pem, key.ExportPkcs8PrivateKeyPem(), ct);

            var shipped = await File.ReadAllTextAsync(SourceTree.File("deploy", "nginx", "vpnportal.conf"), ct);
            var site = ForTest(shipped, nodes, port, plainPort, crt, pem);
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "vpnportal.conf"), site, ct);
            foreach (var temp in new[] { "body", "proxy", "fastcgi", "uwsgi", "scgi" })
            {
                folder.CreateSubdirectory(temp);
            }

            var f = folder.FullName;
            var main = $$"""
                {{(Environment.UserName == "root" ? "user root root;" : "")}}
                worker_processes 1;
                pid {{f}}/nginx.pid;
                error_log {{f}}/error.log warn;
                events { worker_connections 1024; }
                http {
                    client_body_temp_path {{f}}/body;
                    proxy_temp_path {{f}}/proxy;
                    fastcgi_temp_path {{f}}/fastcgi;
                    uwsgi_temp_path {{f}}/uwsgi;
                    scgi_temp_path {{f}}/scgi;
                    include {{f}}/vpnportal.conf;
                    log_format nodes '$request_method $uri $status upstream=$upstream_addr affinity=$vpnportal_affinity';
                    access_log {{f}}/access.log nodes;
                }
                """;
            var conf = Path.Combine(f, "nginx.conf");
            await File.WriteAllTextAsync(conf, main, ct);

            var check = await RunAsync(nginx, ["-t", "-q", "-p", f, "-e", Path.Combine(f, "error.log"), "-c", conf], ct);
            if (check.Exit != 0)
            {
                throw new InvalidOperationException($"nginx refused the configuration ({check.Exit}):\n{check.Output}\n--- {conf}:\n{main}\n--- vpnportal.conf:\n{site}");
            }

            var start = new ProcessStartInfo(nginx)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "-p", f, "-e", Path.Combine(f, "error.log"), "-c", conf, "-g", "daemon off;" })
            {
                start.ArgumentList.Add(arg);
            }

            var process = new Process { StartInfo = start };
            var proxy = new NginxProxy(process, folder, new Uri($"https://127.0.0.1:{port}/"), certificate);
            process.OutputDataReceived += (_, e) => proxy.OnOutput(e.Data);
            process.ErrorDataReceived += (_, e) => proxy.OnOutput(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await proxy.WaitUntilListeningAsync(port, ct);
            return proxy;
        }
        catch
        {
            folder.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>
    /// The shipped configuration with the test's values put in: the upstream's node addresses, the TLS and plain
    /// listeners on loopback ports, and the certificate's files. Throws when any of them is not where the file had it.
    /// </summary>
    public static string ForTest(string shipped, IReadOnlyList<Uri> nodes, int port, int plainPort, string certificateFile, string keyFile)
    {
        var upstreamServers = UpstreamServer().Matches(shipped);
        if (upstreamServers.Count != nodes.Count)
        {
            throw new InvalidOperationException($"deploy/nginx/vpnportal.conf names {upstreamServers.Count} nodes in its upstream, the test runs {nodes.Count}.");
        }

        var index = 0;
        var site = UpstreamServer().Replace(shipped, m => $"{m.Groups["indent"].Value}server 127.0.0.1:{nodes[index++].Port} ");
        site = Once(site, TlsListen(), $"listen 127.0.0.1:{port} ssl http2;");
        site = Once(site, PlainListen(), $"listen 127.0.0.1:{plainPort};");
        site = Once(site, CertificateFile(), $"ssl_certificate     {certificateFile};");
        return Once(site, KeyFile(), $"ssl_certificate_key {keyFile};");
    }

    /// <summary>An HttpClient through the proxy that trusts its certificate and no other.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null)
    {
        var pinned = Certificate.RawData;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(pinned),
            },
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        };
        return new HttpClient(handler) { BaseAddress = BaseUrl, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
    }

    /// <summary>
    /// The requests carrying the affinity key <paramref name="affinity"/> that reached a node, from the access log, oldest
    /// first: "METHOD /path STATUS" and the node ("127.0.0.1:PORT") that answered. A WebSocket is logged when it closes.
    /// </summary>
    public async Task<IReadOnlyList<(string Request, string Upstream)>> RequestsAsync(string affinity)
    {
        var log = Path.Combine(_folder.FullName, "access.log");
        var lines = File.Exists(log) ? await File.ReadAllLinesAsync(log) : [];
        return [.. lines.Select(l => AccessLine().Match(l))
            .Where(m => m.Success && m.Groups["affinity"].Value == affinity && m.Groups["upstream"].Value != "-")
            .Select(m => (m.Groups["request"].Value, m.Groups["upstream"].Value))];
    }

    public string Output
    {
        get
        {
            var error = Path.Combine(_folder.FullName, "error.log");
            lock (_output)
            {
                return _output + (File.Exists(error) ? File.ReadAllText(error) : "");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
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
            TestContext.Current.TestOutputHelper?.WriteLine("nginx output:\n" + Output);
            _process.Dispose();
            Certificate.Dispose();
            _folder.Delete(recursive: true);
        }
    }

    private static string FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"{Variable} names {configured}, which does not exist.");
        }

        if (File.Exists(DebianNginx))
        {
            return DebianNginx;
        }

        const string reason = $"The several-node tests need nginx: apt-get install nginx-light, or set {Variable} to an nginx binary.";
        if (TestEnvironment.IsCi)
        {
            throw new InvalidOperationException("On CI the several-node tests must run. " + reason);
        }

        Assert.Skip(reason);
        return null!;
    }

    private static string Once(string text, Regex pattern, string replacement)
    {
        var found = pattern.Matches(text).Count;
        if (found != 1)
        {
            throw new InvalidOperationException($"deploy/nginx/vpnportal.conf has {found} lines matching /{pattern}/, the test expects one.");
        }

        return pattern.Replace(text, replacement);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, IEnumerable<string> args, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await output + await error);
    }

    private async Task WaitUntilListeningAsync(int port, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port, ct);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(50, ct);
            }
        }
    }

    private void OnOutput(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    [GeneratedRegex(@"^(?<indent>[ \t]*)server [0-9.]+:8080 ", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"listen 443 ssl http2;")]
    private static partial Regex TlsListen();

    [GeneratedRegex(@"listen 80;")]
    private static partial Regex PlainListen();

    [GeneratedRegex(@"ssl_certificate +/\S+;")]
    private static partial Regex CertificateFile();

    [GeneratedRegex(@"ssl_certificate_key +/\S+;")]
    private static partial Regex KeyFile();

    [GeneratedRegex(@"^(?<request>\S+ \S+ \d+) upstream=(?<upstream>.+) affinity=(?<affinity>\S*)$")]
    private static partial Regex AccessLine();
}
