using VpnPortal.Agent.Cli;

namespace VpnPortal.Agent.Tests.Cli;

/// <summary>Runs the agent's command line as a person would, capturing what it prints.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AgentCli.RunAsync(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}

/// <summary>A folder of its own for one test's files, removed afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("vpnportal-agent-tests-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
