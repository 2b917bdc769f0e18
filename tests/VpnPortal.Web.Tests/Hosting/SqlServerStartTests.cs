using Shouldly;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Hosting;

/// <summary>The portal pointed at a SQL Server it cannot reach says so in one line, as an operator starts it.</summary>
public sealed class SqlServerStartTests
{
    // Nothing listens on port 1 of the loopback: the connection is refused at once, as a wrong port or a stopped server is.
    [Fact]
    public async Task Start_SqlServerUnreachable_ExitsWithOneLineNamingTheServer()
    {
        var run = await BuiltPortal.RunAsync(new Dictionary<string, string>
        {
            ["Database:Provider"] = "SqlServer",
            ["Database:ConnectionString"] = "Server=tcp:127.0.0.1,1;Database=vpnportal;User ID=portal;Password=never-in-the-log;Connect Timeout=3",
        });

        var output = run.Out + run.Err;
        run.Exit.ShouldBe(1, output);
        output.ShouldContain("Cannot reach SQL Server at tcp:127.0.0.1,1: A network-related or instance-specific error");
        output.ShouldContain("; check Database:ConnectionString.");
        output.ShouldNotContain("never-in-the-log");
        output.ShouldNotContain("Unhandled exception");
        output.ShouldNotContain("   at ");
    }
}
