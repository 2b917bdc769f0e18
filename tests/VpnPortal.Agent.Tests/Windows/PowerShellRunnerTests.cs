using System.Text;
using Shouldly;
using VpnPortal.Agent.Windows;
using Xunit;

namespace VpnPortal.Agent.Tests.Windows;

public sealed class PowerShellRunnerTests
{
    private sealed class RecordingProcesses(ProcessOutcome outcome) : IProcessRunner
    {
        public ProcessSpec? Started { get; private set; }

        public Task<ProcessOutcome> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
        {
            Started = spec;
            return Task.FromResult(outcome);
        }
    }

    private sealed class TimingOut : IProcessRunner
    {
        public Task<ProcessOutcome> RunAsync(ProcessSpec spec, CancellationToken cancellationToken) => throw new ProcessTimedOutException(spec.FileName, spec.Timeout);
    }

    [Fact]
    public async Task Run_HostileUserName_TravelsAsAnEnvironmentVariableNeverInTheCommandLine()
    {
        const string hostile = "x'; Remove-Item C:\\ -Recurse; '";
        var processes = new RecordingProcesses(new ProcessOutcome(0, "not-connected\r\n", ""));
        var runner = new PowerShellRunner(processes, TimeSpan.FromSeconds(30));

        var output = await runner.RunAsync(RrasScripts.DisconnectUser(hostile), TestContext.Current.CancellationToken);

        output.ShouldBe("not-connected\r\n");
        var spec = processes.Started.ShouldNotBeNull();
        spec.FileName.ShouldBe("powershell.exe");
        spec.Arguments.Take(5).ShouldBe(["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand"]);
        spec.Arguments.Count.ShouldBe(6);
        spec.Environment.ShouldBe(new Dictionary<string, string> { ["VPNPORTAL_ARG_USERNAME"] = hostile });
        var script = Encoding.Unicode.GetString(Convert.FromBase64String(spec.Arguments[5]));
        script.ShouldStartWith("$ErrorActionPreference = 'Stop'");
        script.ShouldContain("$user = $env:VPNPORTAL_ARG_USERNAME");
        script.ShouldNotContain("Remove-Item");
        string.Join(' ', spec.Arguments).ShouldNotContain("Remove-Item");
        spec.Timeout.ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Run_NonZeroExit_FailsWithPowerShellsErrorText()
    {
        var processes = new RecordingProcesses(new ProcessOutcome(1, "", "Disconnect-VpnUser : Access is denied.\r\nAt line:5 char:1\r\n"));

        var error = await Should.ThrowAsync<ToolFailedException>(() => new PowerShellRunner(processes, TimeSpan.FromSeconds(5)).RunAsync(RrasScripts.DisconnectUser("a"), TestContext.Current.CancellationToken));

        error.Message.ShouldBe("PowerShell could not disconnect the user (exit code 1): Disconnect-VpnUser : Access is denied. At line:5 char:1");
    }

    /// <summary>Windows PowerShell 5.1's error stream for -EncodedCommand with stderr redirected: CLIXML, one string per line.</summary>
    [Fact]
    public async Task Run_NonZeroExitWithClixmlErrors_FailsWithTheErrorTextInsideThem()
    {
        const string clixml =
            "#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">" +
            "<Obj S=\"progress\" RefId=\"0\"><TN RefId=\"0\"><T>System.Management.Automation.PSCustomObject</T></TN><MS><I64 N=\"SourceId\">1</I64></MS></Obj>" +
            "<S S=\"Error\">Disconnect-VpnUser : Access is denied._x000D__x000A_</S>" +
            "<S S=\"Error\">At line:8 char:1_x000D__x000A_</S>" +
            "<S S=\"Error\">+ Disconnect-VpnUser -UserName $user_x000D__x000A_</S>" +
            "<S S=\"Error\">+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~_x000D__x000A_</S>" +
            "<S S=\"Error\">    + CategoryInfo          : PermissionDenied: (PS_VpnUser:root/Microsoft/...s/RemoteAccess/PS_VpnUser) [Disconnect-VpnUser], CimException_x000D__x000A_</S>" +
            "<S S=\"Error\">    + FullyQualifiedErrorId : HRESULT 0x80070005,Disconnect-VpnUser_x000D__x000A_</S>" +
            "<S S=\"Error\"> _x000D__x000A_</S></Objs>";
        var processes = new RecordingProcesses(new ProcessOutcome(1, "", clixml));

        var error = await Should.ThrowAsync<ToolFailedException>(() => new PowerShellRunner(processes, TimeSpan.FromSeconds(5)).RunAsync(RrasScripts.DisconnectUser("a"), TestContext.Current.CancellationToken));

        error.Message.ShouldBe(
            "PowerShell could not disconnect the user (exit code 1): Disconnect-VpnUser : Access is denied. At line:8 char:1 + Disconnect-VpnUser -UserName $user " +
            "+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ + CategoryInfo          : PermissionDenied: (PS_VpnUser:root/Microsoft/...s/RemoteAccess/PS_VpnUser) [Disconnect-VpnUser], CimException " +
            "+ FullyQualifiedErrorId : HRESULT 0x80070005,Disconnect-VpnUser");
    }

    [Theory]
    [InlineData("#< CLIXML\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><S S=\"Error\">_x001B_[31;1mGet-Item: _x001B_[31;1mCannot find path 'Cert:\\LocalMachine\\My\\AB' because it does not exist._x001B_[0m_x000A_</S></Objs>", "Get-Item: Cannot find path 'Cert:\\LocalMachine\\My\\AB' because it does not exist.")]
    [InlineData("#< CLIXML\n<Objs", "#< CLIXML\n<Objs")]
    [InlineData("plain text\r\n", "plain text")]
    public void ErrorText_PowerShell7ClixmlMalformedOrPlain_IsReadOrKept(string standardError, string expected)
    {
        PowerShellRunner.ErrorText(standardError).ShouldBe(expected);
    }

    [Fact]
    public async Task Run_TimedOut_FailsSayingSo()
    {
        var error = await Should.ThrowAsync<ToolFailedException>(() => new PowerShellRunner(new TimingOut(), TimeSpan.FromSeconds(5)).RunAsync(RrasScripts.ConnectionCount, TestContext.Current.CancellationToken));

        error.Message.ShouldContain("did not finish within 5 s");
    }

    [Theory]
    [InlineData("user")]
    [InlineData("USER NAME")]
    [InlineData("1USER")]
    public void Script_ArgumentNameThatIsNotAnEnvironmentName_IsRefused(string name)
    {
        Should.Throw<ArgumentException>(() => new PowerShellScript("x", "y", new Dictionary<string, string> { [name] = "v" }));
    }
}

public sealed class ProcessRunnerTests
{
    [Fact]
    public async Task Run_RealProcess_CapturesOutputErrorExitCodeAndEnvironment()
    {
        if (!File.Exists("/bin/sh"))
        {
            Assert.Skip("needs /bin/sh (the runner itself is cross-platform; this test drives it with a POSIX shell)");
        }

        var outcome = await new ProcessRunner().RunAsync(new ProcessSpec
        {
            FileName = "/bin/sh",
            Arguments = ["-c", "printf '%s' \"$VPNPORTAL_ARG_USERNAME\"; echo oops >&2; exit 3"],
            Environment = new Dictionary<string, string> { ["VPNPORTAL_ARG_USERNAME"] = "x'; rm -rf /; 'é" },
            Timeout = TimeSpan.FromSeconds(20),
        }, TestContext.Current.CancellationToken);

        outcome.ShouldBe(new ProcessOutcome(3, "x'; rm -rf /; 'é", "oops\n"));
    }

    [Fact]
    public async Task Run_ProcessOverItsTime_IsKilledAndReported()
    {
        if (!File.Exists("/bin/sh"))
        {
            Assert.Skip("needs /bin/sh");
        }

        var started = DateTime.UtcNow;

        var error = await Should.ThrowAsync<ProcessTimedOutException>(() => new ProcessRunner().RunAsync(new ProcessSpec
        {
            FileName = "/bin/sh",
            Arguments = ["-c", "sleep 30"],
            Timeout = TimeSpan.FromMilliseconds(300),
        }, TestContext.Current.CancellationToken));

        error.Message.ShouldBe("sh did not finish within 0.3 s and was stopped.");
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }
}
