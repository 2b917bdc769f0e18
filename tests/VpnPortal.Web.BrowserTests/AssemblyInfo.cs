using VpnPortal.Testing;
using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;

// One Chromium for the run. Each journey starts its own portal process; on two cores they run one at a time.
[assembly: AssemblyFixture(typeof(ChromiumBrowser))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// Every test here drives Chromium: `build/test.sh --fast` leaves them out.
[assembly: Trait(TestCategories.Trait, TestCategories.Browser)]
