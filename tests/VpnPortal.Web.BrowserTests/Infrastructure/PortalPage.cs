using System.Collections.Concurrent;
using System.Text;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace VpnPortal.Web.BrowserTests.Infrastructure;

/// <summary>
/// One browser tab on the portal, with what a journey needs: the Blazor circuit's WebSocket traffic, script
/// errors, screenshots and the sign-in steps.
/// </summary>
public sealed class PortalPage : IAsyncDisposable
{
    public const string ScreenshotsVariable = "VPNPORTAL_SCREENSHOTS";

    /// <summary>axe-core as Deque bundles it (the version is the package's, see Directory.Packages.props).</summary>
    private static readonly Lazy<string> AxeScript = new(() => new BundledAxeScriptProvider().GetScript());

    private readonly IBrowserContext _context;
    private readonly string _testName;
    private readonly ConcurrentQueue<Circuit> _circuits = new();
    private readonly ConcurrentQueue<string> _scriptErrors = new();
    private int _screenshots;

    private PortalPage(IBrowserContext context, IPage page, string testName)
    {
        _context = context;
        Page = page;
        _testName = testName;
    }

    public IPage Page { get; }

    /// <summary>URLs of the WebSockets the page opened to the Blazor hub (/_blazor), oldest first.</summary>
    public IReadOnlyList<string> BlazorSockets => _circuits.Select(c => c.Url).ToList();

    /// <summary>Uncaught script errors and console errors other than failed resource loads.</summary>
    public IReadOnlyCollection<string> ScriptErrors => _scriptErrors;

    internal static async Task<PortalPage> OpenAsync(IBrowserContext context, string testName)
    {
        var page = await context.NewPageAsync();
        var portalPage = new PortalPage(context, page, testName);
        page.WebSocket += (_, socket) => portalPage.OnWebSocket(socket);
        page.PageError += (_, error) => portalPage._scriptErrors.Enqueue("page error: " + error);
        page.Console += (_, message) =>
        {
            // A 404 is a page the journey may land on on purpose; it is asserted where it matters.
            // A circuit refused with 401 is the sign-out working: the page's connection retries after the cookie is gone.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)
                && !message.Text.Contains("negotiation with the server: Error: Unauthorized: Status code '401'", StringComparison.Ordinal))
            {
                portalPage._scriptErrors.Enqueue("console error: " + message.Text);
            }
        };
        return portalPage;
    }

    /// <summary>
    /// Chooses <paramref name="file"/> in the Blazor InputFile <paramref name="input"/> and waits until
    /// <paramref name="answer"/> contains <paramref name="text"/>. InputFile hears a choice only once its script has run
    /// after the first interactive render, which can come after the render batch <see cref="GotoInteractiveAsync"/> waits
    /// for: a file chosen before then is never seen, so the same choice is made again, up to four times, until the page
    /// answers. The last attempt's failure is the test's.
    /// </summary>
    public async Task ChooseFileAsync(string input, FilePayload file, ILocator answer, string text)
    {
        for (var attempt = 1; ; attempt++)
        {
            await Page.Locator(input).SetInputFilesAsync(file);
            try
            {
                await Expect(answer).ToContainTextAsync(text, new() { Timeout = attempt < 4 ? 5_000 : 15_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 4)
            {
                // Not seen yet: choose again.
            }
        }
    }

    /// <summary>
    /// Opens a MudBlazor select or menu with <paramref name="opener"/> and picks <paramref name="option"/>. A loaded
    /// machine has lost the first tap while MudBlazor's popover script was still starting (seen in CI on the theme menu
    /// and the alerts' state filter); a person taps again, and so does this, once.
    /// </summary>
    public async Task ChooseAsync(ILocator opener, ILocator option)
    {
        await opener.ClickAsync();
        try
        {
            await Expect(option).ToBeVisibleAsync(new() { Timeout = 5_000 });
        }
        catch (PlaywrightException)
        {
            await opener.ClickAsync();
        }

        await option.ClickAsync();
    }

    /// <summary>
    /// Loads <paramref name="path"/> (a full load, so a new circuit) and waits until that circuit has sent its first
    /// render batch: only then are the page's event handlers attached, and typing into a prerendered input before
    /// that would be lost.
    /// </summary>
    public async Task GotoInteractiveAsync(string path)
    {
        var earlier = _circuits.Count;
        await Page.GotoAsync(path);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!_circuits.Skip(earlier).Any(c => c.RenderBatches > 0))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"No Blazor render batch arrived within 20 s on {Page.Url}; the page is not interactive. " +
                    $"WebSockets opened to /_blazor for it: {_circuits.Count - earlier}. Script errors: {string.Join(" | ", _scriptErrors)}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Creates the first admin through the setup link and waits for the signed-in shell.</summary>
    public async Task CreateFirstAdminAsync(string setupLink, string email, string password)
    {
        await Page.GotoAsync(setupLink);
        await Expect(Page.Locator("h1")).ToHaveTextAsync("Create the first admin");
        await Page.Locator("#email").FillAsync(email);
        await Page.Locator("#name").FillAsync("Ada Admin");
        await Page.Locator("#password").FillAsync(password);
        await Page.Locator("#confirm").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create admin and sign in" }).ClickAsync();
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Expect(Page.Locator("#sign-out")).ToBeVisibleAsync();
    }

    public async Task SignInAsync(string email, string password)
    {
        await Expect(Page.Locator("#sign-in")).ToBeVisibleAsync();
        await Page.Locator("#email").FillAsync(email);
        await Page.Locator("#password").FillAsync(password);
        await Page.Locator("#sign-in").ClickAsync();
        await Expect(Page.Locator("#sign-out")).ToBeVisibleAsync();
    }

    public async Task SignOutAsync()
    {
        await Page.Locator("#sign-out").ClickAsync();
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/sign-in");
        await Expect(Page.Locator("#sign-in")).ToBeVisibleAsync();
        await Expect(Page.Locator("#sign-out")).ToHaveCountAsync(0);
    }

    /// <summary>With VPNPORTAL_SCREENSHOTS=dir set, saves a full-page PNG named after the test and the step.</summary>
    public async Task ScreenshotAsync(string step)
    {
        var folder = Environment.GetEnvironmentVariable(ScreenshotsVariable);
        if (string.IsNullOrWhiteSpace(folder))
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var n = Interlocked.Increment(ref _screenshots);

        // From the top: a page scrolled down draws its fixed app bar and drawer halfway down a full-page picture.
        await Page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{_testName}-{n:00}-{step}.png"), FullPage = true });
    }

    /// <summary>Fails on script errors and on Blazor's "something went wrong" bar.</summary>
    public async Task ShouldHaveNoScriptErrorsAsync()
    {
        ScriptErrors.ShouldBeEmpty();
        if (await Page.Locator("#blazor-error-ui").CountAsync() > 0)
        {
            await Expect(Page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
    }

    /// <summary>
    /// Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now and returns its serious and critical violations,
    /// each as "rule (impact): help at where".
    /// </summary>
    /// <remarks>
    /// axe-core is loaded into the page once, not before every run, and asked for its violations alone. Deque's
    /// Playwright wrapper evaluates all 550 kB of axe again on each call and sends back every node that passed as well:
    /// nine tenths of a check's two seconds, on a page checked in both themes (the rules are the same).
    /// </remarks>
    public async Task<IReadOnlyList<string>> SeriousAccessibilityViolationsAsync()
    {
        if (!await Page.EvaluateAsync<bool>("() => typeof window.axe?.run === 'function'"))
        {
            // Evaluated by the browser's debugging protocol, not a script tag: the portal's Content-Security-Policy
            // allows no inline script, and must not be loosened for a test.
            await Page.EvaluateAsync(AxeScript.Value);
        }

        return await Page.EvaluateAsync<string[]>(
            """
            async () => {
                const result = await window.axe.run(document, {
                    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                    resultTypes: ['violations'],
                });
                return result.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map(n => `${n.target.join(' ')} ${n.html}`).join(' | ')}`);
            }
            """);
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();

    private void OnWebSocket(IWebSocket socket)
    {
        if (!new Uri(socket.Url).AbsolutePath.StartsWith("/_blazor", StringComparison.Ordinal))
        {
            return;
        }

        var circuit = new Circuit(socket.Url);
        _circuits.Enqueue(circuit);
        socket.FrameReceived += (_, frame) =>
        {
            // The circuit speaks SignalR with MessagePack: the invocation's target name is plain ASCII in the frame.
            var text = frame.Binary is { } bytes ? Encoding.Latin1.GetString(bytes) : frame.Text ?? "";
            if (text.Contains("JS.RenderBatch", StringComparison.Ordinal))
            {
                circuit.OnRenderBatch();
            }
        };
    }

    private sealed class Circuit(string url)
    {
        private int _renderBatches;

        public string Url { get; } = url;

        public int RenderBatches => Volatile.Read(ref _renderBatches);

        public void OnRenderBatch() => Interlocked.Increment(ref _renderBatches);
    }
}
