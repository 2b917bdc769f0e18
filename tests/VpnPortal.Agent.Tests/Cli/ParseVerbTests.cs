using System.Text.Json;
using Shouldly;
using Xunit;

namespace VpnPortal.Agent.Tests.Cli;

public sealed class ParseVerbTests
{
    [Fact]
    public async Task ParseSslcert_NewFormatSample_PrintsEveryBindingWithItsKeyKind()
    {
        var run = await CliRun.Of("parse", "sslcert", Samples.PathOf("sslcert-2022-sstp-sni-ccs.txt"));

        run.ExitCode.ShouldBe(0, run.Error);
        var bindings = JsonDocument.Parse(run.Output).RootElement;
        bindings.GetArrayLength().ShouldBe(4);
        bindings[1].GetProperty("key").GetString().ShouldBe("[::]:443");
        bindings[1].GetProperty("certificateHash").GetString().ShouldBe("5B1F4D0A9E3C27F8A6D2E4B0C9F1A3E5D7B9C2F4");
        bindings[1].GetProperty("applicationId").GetString().ShouldBe("ba195980-cd49-458b-9e23-c84ee0adcd75");
        bindings[2].GetProperty("keyKind").GetString().ShouldBe("HostnamePort");
        bindings[3].GetProperty("keyKind").GetString().ShouldBe("CentralCertificateStore");
    }

    [Fact]
    public async Task ParseSslcert_TruncatedSample_ExitsOneWithTheParsersMessage()
    {
        var run = await CliRun.Of("parse", "sslcert", Samples.PathOf("sslcert-truncated.txt"));

        run.ExitCode.ShouldBe(1);
        run.Output.ShouldBeEmpty();
        run.Error.ShouldStartWith("netsh http show sslcert (line 11, field 'Application ID'):");
    }

    [Fact]
    public async Task ParseSessions_Ps51Sample_PrintsTheSessions()
    {
        var run = await CliRun.Of("parse", "sessions", Samples.PathOf("sessions-ps51-many.json"));

        run.ExitCode.ShouldBe(0, run.Error);
        JsonDocument.Parse(run.Output).RootElement.GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task Parse_UnknownKind_IsAUsageError()
    {
        var run = await CliRun.Of("parse", "ipconfig", Samples.PathOf("sslcert-none.txt"));

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("Unknown kind 'ipconfig'");
    }

    [Fact]
    public async Task Parse_MissingFile_ExitsOne()
    {
        var run = await CliRun.Of("parse", "sslcert", Samples.PathOf("no-such-file.txt"));

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("cannot be read");
    }
}
