using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Web.BrowserTests.Infrastructure;

/// <summary>
/// The real portal, started as `dotnet VpnPortal.Web.dll --urls http://127.0.0.1:PORT` on a database of the test's own
/// (a SQLite file, or a PostgreSQL database that several portal processes share), and killed (with anything it
/// started) when disposed.
/// </summary>
/// <remarks>
/// It runs as Production, as admins run it: no developer exception page, the real /error handler, and no
/// user secrets (the web project has a UserSecretsId, and Development would read the developer's secrets,
/// which could point the tests at another database).
/// </remarks>
public sealed partial class PortalProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _setupLink = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    static PortalProcess()
    {
        // Backstop for a test host that ends without disposing (a crash in a test still runs this on exit).
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values)
            {
                TryKill(process);
            }
        };
    }

    private PortalProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>Everything the portal wrote to stdout and stderr so far (shown when a test fails).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string PortalDll =>
        typeof(PortalProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PortalDll").Value
        ?? throw new InvalidOperationException("The PortalDll path was not recorded at build time.");

    /// <summary>
    /// Starts the built portal on <paramref name="database"/> (its provider and connection string), with extra settings, and waits until /healthz answers;
    /// on <paramref name="port"/> when the test must know its address beforehand (see <see cref="FreePort"/>).
    /// </summary>
    public static Task<PortalProcess> StartAsync(TestDatabase database, CancellationToken ct, IReadOnlyDictionary<string, string>? settings = null, int? port = null) =>
        StartAsync(PortalDll, database, ct, settings, port);

    /// <summary>
    /// Starts the portal from <paramref name="dll"/> (a build or a publish output) and waits until /healthz answers;
    /// without <paramref name="database"/> it uses its embedded default (data/ under its content root).
    /// </summary>
    public static async Task<PortalProcess> StartAsync(string dll, TestDatabase? database, CancellationToken ct, IReadOnlyDictionary<string, string>? settings = null, int? port = null)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The portal is not built at {dll}; build the solution first.", dll);
        }

        var baseUrl = new Uri($"http://127.0.0.1:{port ?? FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Not the dll's folder: the portal must find its content root whatever the working directory.
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl.ToString().TrimEnd('/'));

        // Nothing from the developer's shell may change which database or address the portal uses.
        foreach (var name in start.Environment.Keys.Where(IsPortalSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        ShortLivedDotnet.Apply(start);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__Provider"] = database?.Provider ?? TestDatabase.Sqlite;
        // Plain http on loopback: Secure cookies are for the deployed portal (see the README).
        start.Environment["Authentication__Cookies__SecurePolicy"] = "SameAsRequest";
        if (database is not null)
        {
            start.Environment["Database__ConnectionString"] = database.Provider == TestDatabase.Sqlite
                ? $"Data Source={new SqliteConnectionStringBuilder(database.ConnectionString).DataSource}"
                : database.ConnectionString;
        }

        foreach (var (key, value) in KeyEncryptionCertificate.Settings.Concat(settings ?? new Dictionary<string, string>()))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var portal = new PortalProcess(process, baseUrl);
        process.OutputDataReceived += (_, e) => portal.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => portal.OnOutput(e.Data);
        process.Start();
        Running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await portal.WaitUntilHealthyAsync(ct);
        }
        catch
        {
            await portal.DisposeAsync();
            throw;
        }

        return portal;
    }

    /// <summary>The one-time first-admin link the portal prints on an empty database.</summary>
    public async Task<string> SetupLinkAsync()
    {
        try
        {
            return await _setupLink.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException("The portal printed no setup link. Its output:\n" + Output);
        }
    }

    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>Kills the portal at once (with anything it started), as a crashed or powered-off node; idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        TryKill(_process);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // Reported below; the test fails rather than leaving a process behind unnoticed.
            throw new InvalidOperationException($"The portal (pid {_process.Id}) did not exit after being killed.");
        }
        finally
        {
            Running.TryRemove(_process.Id, out _);
            TestContext.Current.TestOutputHelper?.WriteLine("Portal output:\n" + Output);
            _process.Dispose();
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with code {_process.ExitCode} before it was healthy. Its output:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync("/healthz", ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // One slow answer while it warms up.
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"The portal was not healthy on {BaseUrl}healthz within {StartTimeout.TotalSeconds} s. Its output:\n{Output}");
            }

            await Task.Delay(100, ct);
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        var link = SetupLinkLine().Match(line);
        if (link.Success)
        {
            _setupLink.TrySetResult(link.Groups["link"].Value);
        }
    }

    private static bool IsPortalSetting(string name) =>
        name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("DOTNET_URLS", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Database__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Setup__", StringComparison.OrdinalIgnoreCase);

    /// <summary>A loopback port nobody listens on now, e.g. for a portal whose address another service must know first.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [GeneratedRegex(@"^\s+(?<link>https?://\S+/setup\?token=\S+)\s*$")]
    private static partial Regex SetupLinkLine();
}
