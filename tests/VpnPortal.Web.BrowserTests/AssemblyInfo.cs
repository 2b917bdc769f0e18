using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;

// One Chromium for the run; each journey has its own browser context and starts its own portal process. A journey
// alone keeps about one core busy (it waits on the portal and the page in turn), so two run at once.
[assembly: AssemblyFixture(typeof(ChromiumBrowser))]
[assembly: CollectionBehavior(MaxParallelThreads = 2)]

// Every test here drives Chromium: `build/test.sh --fast` leaves them out.
[assembly: Trait(TestCategories.Trait, TestCategories.Browser)]
