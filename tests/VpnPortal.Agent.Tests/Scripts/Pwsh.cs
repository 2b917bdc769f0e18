using System.Diagnostics;
using VpnPortal.Agent.Windows;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Scripts;

/// <summary>
/// PowerShell 7 on this machine: the PowerShell .NET tool of .config/dotnet-tools.json (<c>dotnet tool restore</c>, which
/// build/test.sh runs, gives <c>dotnet pwsh</c>). Found once per test run by asking <c>dotnet pwsh</c> for its home; the
/// tests then start <c>dotnet PSHOME/pwsh.dll</c> themselves. Without the tool a test is skipped, and fails on CI.
/// </summary>
internal static class Pwsh
{
    private static readonly Lazy<Task<(string? Dll, string Problem)>> Found = new(FindAsync);

    /// <summary>The dotnet host the SDK runs the tests with, so pwsh runs on the same runtime.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>
    /// Quiet and quick: no telemetry or update check, plain-text errors, and no dynamic PGO for a process that lives a
    /// second (<see cref="ShortLivedDotnet"/>). None of it changes what a script does.
    /// </summary>
    public static IReadOnlyDictionary<string, string> QuietEnvironment { get; } = new Dictionary<string, string>
    {
        ["POWERSHELL_TELEMETRY_OPTOUT"] = "1",
        ["POWERSHELL_UPDATECHECK"] = "Off",
        ["NO_COLOR"] = "1",
        ["DOTNET_TieredPGO"] = "0",
    };

    /// <summary>The path of pwsh.dll; skips the test without the tool (fails it on CI, where every test must run).</summary>
    public static async Task<string> RequireAsync()
    {
        var (dll, problem) = await Found.Value;
        if (dll is not null)
        {
            return dll;
        }

        var reason = $"The PowerShell tests need the PowerShell tool of .config/dotnet-tools.json: run `dotnet tool restore` in the repository ({problem}).";
        if (TestEnvironment.IsCi)
        {
            throw new InvalidOperationException("On CI every PowerShell test must run. " + reason);
        }

        Assert.Skip(reason);
        return ""; // not reached: Assert.Skip throws
    }

    /// <summary>Runs a script file under pwsh and returns what it wrote; throws with its error text when it fails.</summary>
    public static async Task<string> RunFileAsync(string script, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var dll = await RequireAsync();
        var outcome = await new ProcessRunner().RunAsync(
            new ProcessSpec
            {
                FileName = Dotnet,
                Arguments = [dll, "-NoProfile", "-NonInteractive", "-File", script, .. arguments],
                Environment = QuietEnvironment,
                Timeout = TimeSpan.FromMinutes(2),
            },
            cancellationToken);
        return outcome.ExitCode == 0
            ? outcome.StandardOutput
            : throw new InvalidOperationException($"pwsh -File {Path.GetFileName(script)} failed (exit code {outcome.ExitCode}): {outcome.StandardError}");
    }

    private static async Task<(string? Dll, string Problem)> FindAsync()
    {
        // From the repository, where dotnet finds the tool manifest.
        var start = new ProcessStartInfo(Dotnet, ["pwsh", "-NoProfile", "-NonInteractive", "-Command", "$PSHOME"])
        {
            WorkingDirectory = SourceTree.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in QuietEnvironment)
        {
            start.Environment[name] = value;
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            var dll = Path.Combine((await output).Trim(), "pwsh.dll");
            return process.ExitCode == 0 && File.Exists(dll)
                ? (dll, "")
                : (null, $"dotnet pwsh exited with {process.ExitCode}: {(await error).Trim()}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return (null, e.Message);
        }
    }
}
