using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Agent.Logging;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Agent.Tests.Runtime;

public sealed class FileLoggerProviderTests
{
    [Fact]
    public void Entries_GoToTheDaysFile_AndStopAtTheCap_WithTheDropsCounted()
    {
        using var directory = new TemporaryDirectory();
        var time = new FakeTimeProvider(TestClock.Start);
        var provider = new FileLoggerProvider(directory.Path, LogLevel.Information, time, maxFileBytes: 2_000);
        var logger = provider.CreateLogger("VpnPortal.Agent");

        logger.LogDebug("below the minimum level");
        for (var i = 0; i < 100; i++)
        {
            logger.LogInformation("Snapshot {Sequence} applied", i);
        }

        provider.Dispose();

        var file = provider.FileFor(time.GetUtcNow());
        Path.GetFileName(file).ShouldBe("agent-20261122.log");
        var text = File.ReadAllText(file);
        text.ShouldContain("[Information] VpnPortal.Agent: Snapshot 0 applied");
        text.ShouldNotContain("below the minimum level");
        text.ShouldContain("further entries today are dropped");
        new FileInfo(file).Length.ShouldBeLessThan(2_200);
        provider.Dropped.ShouldBeGreaterThan(50);
    }

    [Fact]
    public void FilesOlderThanTheRetention_AreDeletedWhenADayStarts()
    {
        using var directory = new TemporaryDirectory();
        Directory.CreateDirectory(directory.Path);
        File.WriteAllText(Path.Combine(directory.Path, "agent-20261001.log"), "old");
        File.WriteAllText(Path.Combine(directory.Path, "agent-20261120.log"), "recent");
        var provider = new FileLoggerProvider(directory.Path, time: new FakeTimeProvider(TestClock.Start), retainedDays: 14);

        provider.CreateLogger("x").LogWarning("first entry of the day");
        provider.Dispose();

        Directory.GetFiles(directory.Path).Select(Path.GetFileName).Order().ShouldBe(["agent-20261120.log", "agent-20261122.log"]);
    }
}
