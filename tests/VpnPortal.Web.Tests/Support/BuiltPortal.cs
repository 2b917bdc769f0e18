using System.Diagnostics;
using System.Reflection;
using Shouldly;
using VpnPortal.Testing;
using VpnPortal.Web.Hosting;
using Xunit;

namespace VpnPortal.Web.Tests.Support;

/// <summary>
/// The VpnPortal.Web.dll the build wrote, run as an operator runs it (`dotnet VpnPortal.Web.dll [admin ...]`), outside
/// Development, with its settings and the key-encryption certificate given through the environment.
/// </summary>
internal static class BuiltPortal
{
    /// <summary>The dll the build wrote to src/VpnPortal.Web/bin, not the copy in this test's output.</summary>
    public static string Dll()
    {
        var repo = PortalContentRoot.FindRepositoryRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("Run the tests from the source tree.");
        var configuration = typeof(BuiltPortal).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = new DirectoryInfo(AppContext.BaseDirectory).Name; // e.g. net10.0
        var dll = Path.Combine(repo, "src", "VpnPortal.Web", "bin", configuration, framework, "VpnPortal.Web.dll");
        File.Exists(dll).ShouldBeTrue($"{dll} should exist: building this test project builds the portal");
        return dll;
    }

    /// <summary>The portal's settings for <paramref name="db"/>, as a service or a container would give them.</summary>
    public static Dictionary<string, string> On(TestDatabase db) => new()
    {
        ["Database:Provider"] = db.Provider,
        ["Database:ConnectionString"] = db.ConnectionString,
    };

    public static async Task<(int Exit, string Out, string Err)> RunAsync(IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Settings through the environment, as a service or a container would give them.
        foreach (var (key, value) in settings.Concat(KeyEncryptionCertificate.Settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        ShortLivedDotnet.Apply(start);
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
