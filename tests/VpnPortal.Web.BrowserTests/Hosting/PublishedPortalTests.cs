using System.Diagnostics;
using System.Net;
using Shouldly;
using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using VpnPortal.Web.Hosting;
using Xunit;

namespace VpnPortal.Web.BrowserTests.Hosting;

/// <summary>
/// `dotnet publish` output is what admins install: it must carry appsettings.json and wwwroot (the site's files, the
/// extracted blazor.web.js, MudBlazor's assets), keep its embedded database under its own folder, and answer the admin
/// verbs, all without a source tree above it and from any working directory.
/// </summary>
public sealed class PublishedPortalTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vpnportal-publish-" + Guid.NewGuid().ToString("N"));

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task PublishedPortal_RunFromElsewhere_ServesItsFilesKeepsItsDatabaseAndAnswersTheAdminVerbs()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = Path.Combine(_folder, "app");
        // The build the other tests run (bin/<configuration>/net10.0), published without building again.
        var configuration = new DirectoryInfo(Path.GetDirectoryName(PortalProcess.PortalDll)!).Parent!.Name;
        var (publishExit, publishLog) = await RunAsync(["publish", Path.Combine(RepositoryRoot, "src", "VpnPortal.Web"), "--no-build", "--nologo", "-c", configuration, "-o", output], ct);
        publishExit.ShouldBe(0, publishLog);
        var dll = Path.Combine(output, "VpnPortal.Web.dll");
        PortalContentRoot.FindRepositoryRoot(output).ShouldBeNull("the published folder must not sit inside a source tree, or this test proves nothing");
        File.Exists(Path.Combine(output, "appsettings.json")).ShouldBeTrue();

        await using (var portal = await PortalProcess.StartAsync(dll, database: null, ct))
        {
            using var http = new HttpClient { BaseAddress = portal.BaseUrl };
            foreach (var path in new[] { "css/site.css", "img/logo.svg", "_framework/blazor.web.js", "_content/MudBlazor/MudBlazor.min.css", "account/sign-in" })
            {
                using var response = await http.GetAsync(path, ct);
                response.StatusCode.ShouldBe(HttpStatusCode.OK, $"/{path} from the published portal");
            }

            (await portal.SetupLinkAsync()).ShouldContain("/setup?token=");
        }

        File.Exists(Path.Combine(output, "data", "vpnportal.db")).ShouldBeTrue("the embedded database lives under the published folder, whatever the working directory");

        // The admin verbs read the portal's configuration, so they get its key-encryption certificate as an operator
        // sets it: from the environment.
        var (cliExit, cliLog) = await RunAsync([dll, "admin", "create-user", "--email", "ops@corp.example", "--password", "correct horse battery", "--role", "OnCall"], ct,
            KeyEncryptionCertificate.Settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value));
        cliExit.ShouldBe(0, cliLog);
        cliLog.ShouldContain("Created OnCall ops@corp.example");
    }

    private static string RepositoryRoot =>
        PortalContentRoot.FindRepositoryRoot(Path.GetDirectoryName(PortalProcess.PortalDll)!)
        ?? throw new InvalidOperationException("The portal under test is not inside the repository.");

    private static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("Database__", StringComparison.OrdinalIgnoreCase) || n.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout + await stderr);
    }
}
