using Shouldly;
using VpnPortal.Agent.Cli;
using VpnPortal.Agent.Runtime;
using VpnPortal.Agent.Tests.Runtime;
using Xunit;

namespace VpnPortal.Agent.Tests.Cli;

public sealed class AgentVerbTests
{
    [Fact]
    public async Task Enroll_TokenOnStandardInput_SavesTheIdentityAndPrintsTheServer_NeverTheCredential()
    {
        await using var portal = await TestPortal.StartAsync();
        using var directory = new TemporaryDirectory();
        var (output, error) = (new StringWriter(), new StringWriter());
        var standardInput = new StringReader(portal.MintToken() + Environment.NewLine);

        var exitCode = await new EnrollVerb(input: standardInput).RunAsync(
            ["--portal", portal.Address.ToString(), "--token-stdin", "--config", directory.Path], output, error, TestContext.Current.CancellationToken);

        exitCode.ShouldBe(0, error.ToString());
        var identity = (await new FileAgentStateStore(directory.Path).LoadIdentityAsync(TestContext.Current.CancellationToken)).ShouldNotBeNull();
        output.ToString().ShouldStartWith($"Enrolled {Environment.MachineName} as {identity.Role} server {identity.ServerId}");
        (output.ToString() + error).ShouldNotContain(identity.Credential);
        identity.Portal.ShouldBe(portal.Address);
    }

    [Fact]
    public async Task Enroll_WithAnUnknownToken_FailsWithThePortalsReason()
    {
        await using var portal = await TestPortal.StartAsync();
        using var directory = new TemporaryDirectory();
        var (output, error) = (new StringWriter(), new StringWriter());

        var exitCode = await new EnrollVerb(input: new StringReader("not-a-token\n")).RunAsync(
            ["--portal", portal.Address.ToString(), "--token-stdin", "--config", directory.Path], output, error, TestContext.Current.CancellationToken);

        exitCode.ShouldBe(1);
        error.ToString().ShouldContain("invalid-enrollment-token");
        File.Exists(Path.Combine(directory.Path, FileAgentStateStore.IdentityFileName)).ShouldBeFalse();
    }

    [Fact]
    public async Task Enroll_TokenInAFile_Enrolls()
    {
        await using var portal = await TestPortal.StartAsync();
        using var directory = new TemporaryDirectory();
        using var files = new TempFolder();
        var tokenFile = files.File("token.txt");
        await File.WriteAllTextAsync(tokenFile, $"  {portal.MintToken()}\r\n", TestContext.Current.CancellationToken);
        var (output, error) = (new StringWriter(), new StringWriter());

        var exitCode = await new EnrollVerb().RunAsync(
            ["--portal", portal.Address.ToString(), "--token-file", tokenFile, "--config", directory.Path], output, error, TestContext.Current.CancellationToken);

        exitCode.ShouldBe(0, error.ToString());
        (await new FileAgentStateStore(directory.Path).LoadIdentityAsync(TestContext.Current.CancellationToken)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Enroll_TokenOnTheCommandLine_IsRefusedSayingWhy_WithoutUsingOrPrintingIt()
    {
        await using var portal = await TestPortal.StartAsync();
        using var directory = new TemporaryDirectory();
        var token = portal.MintToken();

        var run = await CliRun.Of("enroll", "--portal", portal.Address.ToString(), "--token", token, "--config", directory.Path);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("--token is not accepted: a command line is recorded by process auditing");
        run.Error.ShouldContain("--token-stdin");
        (run.Output + run.Error).ShouldNotContain(token);
        File.Exists(Path.Combine(directory.Path, FileAgentStateStore.IdentityFileName)).ShouldBeFalse();

        // The token was not spent: it still enrolls, given the way it should be.
        var exitCode = await new EnrollVerb(input: new StringReader(token)).RunAsync(
            ["--portal", portal.Address.ToString(), "--token-stdin", "--config", directory.Path], TextWriter.Null, TextWriter.Null, TestContext.Current.CancellationToken);
        exitCode.ShouldBe(0);
    }

    [Theory]
    [InlineData("", "exactly one of --token-stdin or --token-file")]
    [InlineData("both", "exactly one of --token-stdin or --token-file")]
    [InlineData("empty-stdin", "The enrollment token on standard input is empty.")]
    [InlineData("missing-file", "does not exist")]
    public async Task Enroll_WithoutOneUsableToken_IsAUsageError(string given, string says)
    {
        using var directory = new TemporaryDirectory();
        var args = new List<string> { "--portal", "https://portal.corp.example/", "--config", directory.Path };
        args.AddRange(given switch
        {
            "both" => ["--token-stdin", "--token-file", Path.Combine(directory.Path, "token.txt")],
            "empty-stdin" => ["--token-stdin"],
            "missing-file" => ["--token-file", Path.Combine(directory.Path, "absent.txt")],
            _ => [],
        });

        var verb = new EnrollVerb(() => throw new InvalidOperationException("the portal must not be contacted"), new StringReader(""));

        (await Should.ThrowAsync<CliUsageException>(() => verb.RunAsync(args, TextWriter.Null, TextWriter.Null, TestContext.Current.CancellationToken)))
            .Message.ShouldContain(says);
    }

    [Theory]
    [InlineData("enroll")]
    [InlineData("simulate")]
    public async Task PlainHttpToAnotherMachine_IsRefusedUnlessAllowed(string verb)
    {
        var args = new List<string> { "--portal", "http://portal.corp.example/", "--token", "t", "--servers", "1" };
        if (verb == "enroll")
        {
            args.RemoveRange(4, 2);
        }

        var command = AgentVerbs.All().Single(v => v.Name == verb);

        (await Should.ThrowAsync<CliUsageException>(() => command.RunAsync(args, TextWriter.Null, TextWriter.Null, TestContext.Current.CancellationToken)))
            .Message.ShouldContain("Refusing http:// to portal.corp.example");
    }

    [Fact]
    public async Task Run_OutsideWindows_RefusesAndPointsToSimulate()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("On Windows run starts the agent.");
        }

        var error = new StringWriter();

        var exitCode = await new RunVerb().RunAsync([], TextWriter.Null, error, TestContext.Current.CancellationToken);

        exitCode.ShouldBe(1);
        error.ToString().Trim().ShouldBe("run needs Windows; use simulate");
    }

    [Fact]
    public async Task Simulate_MintsATokenPerServer_PrintsEachEnrollmentAndStatus_AndStopsCleanly()
    {
        await using var portal = await TestPortal.StartAsync();
        var output = new LockedStringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var verb = new SimulateVerb(statusInterval: TimeSpan.FromMilliseconds(100));

        var run = verb.RunAsync(["--servers", "2", "--nps", "1", "--portal", portal.Address.ToString(), "--token", TestPortal.AdminApiKey, "--sessions", "5", "--seed", "9"], output, TextWriter.Null, stop.Token);
        await TestPortal.WaitUntilAsync(() => Lines(output).Any(l => l.Contains(" agents: ", StringComparison.Ordinal)), "a status line is printed");
        await stop.CancelAsync();

        (await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).ShouldBe(AgentExitCodes.Stopped);
        Lines(output).Where(l => l.StartsWith("Enrolled ", StringComparison.Ordinal)).Select(l => string.Join(' ', l.Split(' ')[..4])).Order()
            .ShouldBe(["Enrolled NPS-SIM-01 as Nps", "Enrolled RRAS-SIM-01 as Rras", "Enrolled RRAS-SIM-02 as Rras"]);
        Lines(output).Last().ShouldStartWith("Stopped. 3 agents:");
    }

    [Fact]
    public async Task Simulate_WithAWrongAdminKey_FailsBeforeRunningAnything()
    {
        await using var portal = await TestPortal.StartAsync();
        var error = new StringWriter();

        var exitCode = await new SimulateVerb().RunAsync(["--servers", "1", "--portal", portal.Address.ToString(), "--token", "wrong"], TextWriter.Null, error, TestContext.Current.CancellationToken);

        exitCode.ShouldBe(1);
        error.ToString().ShouldContain("refused to mint an enrollment token (401");
    }

    private static string[] Lines(StringWriter writer) => writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The verb writes from several tasks while the test reads: every access under one lock.</summary>
    private sealed class LockedStringWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_lock)
            {
                base.Write(buffer, index, count);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return base.ToString();
            }
        }
    }
}
