using System.Text.RegularExpressions;
using Shouldly;
using VpnPortal.Agent.Service;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Cli;

/// <summary>
/// The Windows install script, read as text (it needs Windows to run; Scripts/ parses it with PowerShell's own parser): it
/// hands the enrollment token to the agent on standard input or as a file, never on the agent's command line, which
/// process auditing records, and sets the service up as the agent expects it.
/// </summary>
public sealed class InstallScriptTests
{
    private static readonly string Script = File.ReadAllText(SourceTree.File("deploy", "windows", "Install-VpnPortalAgent.ps1"));

    // Every line that starts the agent, comments left out.
    private static List<string> AgentCalls() =>
        Script.Split('\n').Select(l => l.Trim()).Where(l => !l.StartsWith('#') && Regex.IsMatch(l, @"&\s*\$Exe\b")).ToList();

    [Fact]
    public void Enroll_GetsTheTokenOnStandardInputOrAsAFile_NeverAsAnArgument()
    {
        var enrolls = AgentCalls().Where(l => l.Contains(" enroll ", StringComparison.Ordinal)).ToList();

        enrolls.Count.ShouldBe(2);
        enrolls.ShouldContain(l => Regex.IsMatch(l, @"^\$token\s*\|\s*&\s*\$Exe enroll .*--token-stdin\b"));
        enrolls.ShouldContain(l => l.Contains("--token-file (Resolve-Path -LiteralPath $EnrollmentTokenFile).ProviderPath", StringComparison.Ordinal));
        foreach (var call in AgentCalls())
        {
            Regex.IsMatch(call, @"--token(\s|$)").ShouldBeFalse(call);
            call[call.IndexOf("$Exe", StringComparison.Ordinal)..].ShouldNotContain("$token", customMessage: call);
            call.ShouldNotContain("$EnrollmentToken ", customMessage: call);
        }
    }

    [Fact]
    public void TheService_RunsTheAgentWithoutASecret_StartsDelayedAsLocalSystem_AndIsRestartedAfterAFailure()
    {
        var binaryPath = Script.Split('\n').Single(l => l.StartsWith("$binaryPath =", StringComparison.Ordinal));

        binaryPath.ShouldContain("run --config");
        binaryPath.ShouldNotContain("token", Case.Insensitive);
        Script.ShouldContain("New-Service -Name $ServiceName -BinaryPathName $binaryPath");
        Script.ShouldContain("Invoke-ServiceControl config $ServiceName start= delayed-auto obj= LocalSystem");
        Script.ShouldContain("Invoke-ServiceControl failure $ServiceName reset= 86400 actions= restart/60000/restart/60000/restart/300000");
        Script.ShouldContain("Invoke-ServiceControl failureflag $ServiceName 1");
        Script.ShouldContain("[System.Diagnostics.EventLog]::CreateEventSource($EventSource, 'Application')");
    }

    [Fact]
    public void AnUpgrade_RemovesTheScheduledTaskOfEarlierVersions()
    {
        Script.ShouldContain("$OldTaskPath = '\\VpnPortal\\'");
        Script.ShouldContain("$OldTaskName = 'VpnPortal Agent'");
        Script.ShouldContain("Unregister-ScheduledTask -TaskPath $OldTaskPath -TaskName $OldTaskName -Confirm:$false");
    }

    [Theory]
    [InlineData("Install-VpnPortalAgent.ps1")]
    [InlineData("Uninstall-VpnPortalAgent.ps1")]
    public void TheScripts_NameTheServiceAndEventSourceTheAgentUses(string name)
    {
        var script = File.ReadAllText(SourceTree.File("deploy", "windows", name));

        script.ShouldContain($"$ServiceName = '{AgentServiceHost.ServiceName}'");
        script.ShouldContain($"$EventSource = '{AgentServiceHost.EventLogSource}'");
    }
}
