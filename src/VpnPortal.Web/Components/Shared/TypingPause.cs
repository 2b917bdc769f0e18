namespace VpnPortal.Web.Components.Shared;

/// <summary>
/// Waits for a pause in typing before a search runs. The search fields take every keystroke at once (Immediate), and
/// only the keystroke no other followed within the pause searches. MudBlazor's own DebounceInterval is not used: when a
/// slow search re-rendered the page between keystrokes, its timer could put back the text from before them, and what
/// was typed afterwards was lost (seen on a loaded machine).
/// </summary>
public sealed class TypingPause(TimeSpan pause)
{
    private CancellationTokenSource? _waiting;

    public TypingPause()
        : this(TimeSpan.FromMilliseconds(300))
    {
    }

    /// <summary>True once <c>pause</c> has passed with nothing typed since this call; false when a later keystroke took over.</summary>
    public async Task<bool> ElapsedAsync()
    {
        // Taken over before the earlier wait is cancelled, so a keystroke that comes while this one cancels finds this one.
        var mine = new CancellationTokenSource();
        if (Interlocked.Exchange(ref _waiting, mine) is { } earlier)
        {
            await earlier.CancelAsync();
        }

        // A wait cut short by a later keystroke is the expected outcome here, not a failure: it ends without throwing.
        await Task.Delay(pause, mine.Token).ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing);
        return !mine.IsCancellationRequested;
    }
}
