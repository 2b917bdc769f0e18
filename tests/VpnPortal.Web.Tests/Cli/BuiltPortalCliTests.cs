using System.Diagnostics;
using System.Net;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Testing;
using VpnPortal.Web.Hosting;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Cli;

/// <summary>The admin verbs on the built VpnPortal.Web.dll, run as an operator would: `dotnet VpnPortal.Web.dll admin ...`.</summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class BuiltPortalCliTests
{
    [Fact]
    public async Task BuiltDll_CreateUserThenCreateApiKey_KeyAuthenticatesAgainstThePortal()
    {
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);

        var user = await RunBuiltAsync(db, "admin", "create-user", "--email", "ops@corp.example", "--password", PortalFactory.Password, "--role", "OnCall");
        var key = await RunBuiltAsync(db, "admin", "create-api-key", "--email", "ops@corp.example", "--name", "monitoring");

        user.Exit.ShouldBe(0, user.Err);
        user.Out.ShouldContain("Created OnCall ops@corp.example");
        key.Exit.ShouldBe(0, key.Err);
        await using (var context = db.CreateContext())
        {
            (await context.Users.SingleAsync(TestContext.Current.CancellationToken)).Email.ShouldBe("ops@corp.example");
        }

        await using var portal = await PortalFactory.StartOnAsync(db);
        using var api = portal.CreateApiClient(key.Out.Trim());
        (await api.GetAsync("/api/v1/servers", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>The dll the build wrote to src/VpnPortal.Web/bin, not the copy in this test's output.</summary>
    private static string BuiltDll()
    {
        var repo = PortalContentRoot.FindRepositoryRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("Run the tests from the source tree.");
        var configuration = typeof(BuiltPortalCliTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = new DirectoryInfo(AppContext.BaseDirectory).Name; // e.g. net10.0
        var dll = Path.Combine(repo, "src", "VpnPortal.Web", "bin", configuration, framework, "VpnPortal.Web.dll");
        File.Exists(dll).ShouldBeTrue($"{dll} should exist: building this test project builds the portal");
        return dll;
    }

    private static async Task<(int Exit, string Out, string Err)> RunBuiltAsync(TestDatabase db, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(BuiltDll());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Settings through the environment, as a service or a container would give them.
        start.Environment["Database__Provider"] = db.Provider;
        start.Environment["Database__ConnectionString"] = db.ConnectionString;
        foreach (var (key, value) in KeyEncryptionCertificate.Settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
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
