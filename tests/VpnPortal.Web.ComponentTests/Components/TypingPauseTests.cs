using Shouldly;
using VpnPortal.Web.Components.Shared;
using Xunit;

namespace VpnPortal.Web.ComponentTests.Components;

public sealed class TypingPauseTests
{
    [Fact]
    public async Task OnlyTheLastOfKeystrokesTypedWithinThePause_Searches()
    {
        var typing = new TypingPause(TimeSpan.FromMilliseconds(200));

        var first = typing.ElapsedAsync();
        var second = typing.ElapsedAsync();
        var third = typing.ElapsedAsync();

        (await third).ShouldBeTrue("nothing was typed after the last keystroke");
        (await first).ShouldBeFalse("a later keystroke took over");
        (await second).ShouldBeFalse("a later keystroke took over");
    }

    [Fact]
    public async Task AKeystrokeAfterThePause_SearchesAgain()
    {
        var typing = new TypingPause(TimeSpan.FromMilliseconds(50));

        (await typing.ElapsedAsync()).ShouldBeTrue();
        (await typing.ElapsedAsync()).ShouldBeTrue();
    }
}
