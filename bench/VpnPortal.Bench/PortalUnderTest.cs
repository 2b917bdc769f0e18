using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using VpnPortal.Web.Cli;

namespace VpnPortal.Bench;

/// <summary>The built portal as its own process on a fresh SQLite file, so its CPU and memory can be read alone.</summary>
internal sealed class PortalUnderTest : IAsyncDisposable
{
    private readonly Process _process;

    private PortalUnderTest(Process process, Uri baseUrl, string directory)
    {
        _process = process;
        BaseUrl = baseUrl;
        Directory = directory;
    }

    public Uri BaseUrl { get; }
    public string Directory { get; }
    public int ProcessId => _process.Id;

    public static async Task<(PortalUnderTest Portal, string ApiKey)> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "vpnportal-bench-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, "bench.db");
        var connection = $"Data Source={database}";
        var keyCertificate = KeyCertificate.Create(directory);
        string[] db = [$"--Database:Provider=Sqlite", $"--Database:ConnectionString={connection}", .. keyCertificate.Select(s => $"--{s.Key}={s.Value}")];
        await Run(AdminCli.RunAsync(["create-user", "--email", "bench@corp.example", "--password", "correct horse battery staple", "--role", "Admin", .. db], TextWriter.Null, Console.Error));
        var key = new StringWriter();
        await Run(AdminCli.RunAsync(["create-api-key", "--email", "bench@corp.example", "--name", "bench", .. db], key, TextWriter.Null));

        var dll = Path.Combine(AppContext.BaseDirectory, "VpnPortal.Web.dll");
        var port = FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__Provider"] = "Sqlite";
        start.Environment["Database__ConnectionString"] = connection;
        start.Environment["Simulation__Enabled"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // Every simulated agent enrolls from this one loopback address, which the per-address limit would take for an attack.
        start.Environment["Security__RateLimits__Enrollment__PerAddress"] = "100000";
        foreach (var (setting, value) in keyCertificate)
        {
            start.Environment[setting.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await http.GetAsync(new Uri(baseUrl, "/healthz"))).StatusCode == HttpStatusCode.OK)
                {
                    return (new PortalUnderTest(process, baseUrl, directory), key.ToString().Trim());
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        process.Kill(true);
        throw new InvalidOperationException("The portal did not become healthy within 60 s.");
    }

    /// <summary>CPU time used so far and the resident memory now, from /proc (Linux).</summary>
    public (TimeSpan Cpu, long RssBytes) Usage()
    {
        _process.Refresh();
        return (_process.TotalProcessorTime, _process.WorkingSet64);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(true);
            await _process.WaitForExitAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"Could not remove {Directory}: {e.Message}");
        }
    }

    private static void Forward(string? line)
    {
        if (line is not null && (line.Contains("fail", StringComparison.OrdinalIgnoreCase) || line.Contains("error", StringComparison.OrdinalIgnoreCase)))
        {
            Console.Error.WriteLine("portal: " + line);
        }
    }

    private static async Task Run(Task<int> cli)
    {
        if (await cli != 0)
        {
            throw new InvalidOperationException("The admin CLI failed while preparing the benchmark.");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Times every snapshot POST (the portal answers after the commit, so the time is "report to visible").</summary>
internal sealed class SnapshotTimer() : DelegatingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 1024 })
{
    private readonly Lock _gate = new();
    private readonly List<(DateTime At, double Ms, bool Ok)> _samples = [];

    public List<(DateTime At, double Ms, bool Ok)> Take()
    {
        lock (_gate)
        {
            var copy = _samples.ToList();
            _samples.Clear();
            return copy;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri?.AbsolutePath.EndsWith("/snapshots", StringComparison.Ordinal) != true)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var watch = Stopwatch.StartNew();
        var response = await base.SendAsync(request, cancellationToken);
        lock (_gate)
        {
            _samples.Add((DateTime.UtcNow, watch.Elapsed.TotalMilliseconds, response.IsSuccessStatusCode));
        }

        return response;
    }
}
