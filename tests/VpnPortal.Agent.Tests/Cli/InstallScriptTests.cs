using System.Text.RegularExpressions;
using Shouldly;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Cli;

/// <summary>
/// The Windows install script, read as text (PowerShell is not at hand to run it): it hands the enrollment token to the
/// agent on standard input or as a file, never on the agent's command line, which process auditing records.
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
    public void TheScheduledTask_RunsTheAgentWithoutASecret()
    {
        var action = Script.Split('\n').Single(l => l.Contains("New-ScheduledTaskAction", StringComparison.Ordinal));

        action.ShouldContain("run --config");
        action.ShouldNotContain("token", Case.Insensitive);
    }
}
