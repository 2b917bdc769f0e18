using VpnPortal.Web.BrowserTests.Infrastructure;
using Xunit;

// One Chromium for the run. Each journey starts its own portal process; on two cores they run one at a time.
[assembly: AssemblyFixture(typeof(ChromiumBrowser))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
