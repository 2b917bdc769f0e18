using System.Net;
using Shouldly;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Metrics;

/// <summary>
/// Who may read /metrics: loopback and <c>Metrics:AllowedNetworks</c>, judged on the client address after the trusted
/// proxy's forwarded headers; 403 for everyone else, 404 when turned off, and a bad network stops the start.
/// </summary>
public sealed class MetricsAccessTests
{
    private const string Internal = "10.20.0.7";
    private const string Internet = "203.0.113.7";

    [Fact]
    public async Task Metrics_AreServedToLoopbackAndTheAllowedNetworks_AndRefusedWith403Elsewhere()
    {
        await using var portal = await MetricsPortal.StartAsync(new() { ["Metrics:AllowedNetworks:0"] = "10.20.0.0/24" });

        (await StatusAsync(portal, "127.0.0.1")).ShouldBe(HttpStatusCode.OK);
        (await StatusAsync(portal, "::1")).ShouldBe(HttpStatusCode.OK);
        (await StatusAsync(portal, Internal)).ShouldBe(HttpStatusCode.OK);
        (await StatusAsync(portal, "::ffff:10.20.0.8")).ShouldBe(HttpStatusCode.OK, "an IPv4 peer on a dual-stack socket");
        (await StatusAsync(portal, "10.20.1.7")).ShouldBe(HttpStatusCode.Forbidden, "the next /24");
        (await StatusAsync(portal, Internet)).ShouldBe(HttpStatusCode.Forbidden);
        (await StatusAsync(portal, null)).ShouldBe(HttpStatusCode.Forbidden, "a peer without an address");

        using var refused = await portal.GetMetricsAsync(Internet);
        (await refused.BodyAsync()).ShouldNotContain("vpnportal_", Case.Sensitive, "nothing is collected for a refused request");

        // Through a proxy the portal does not trust (none is configured here), loopback is that proxy, not the caller.
        (await StatusAsync(portal, "127.0.0.1", ("X-Forwarded-For", Internet))).ShouldBe(HttpStatusCode.Forbidden);
        (await StatusAsync(portal, "127.0.0.1", ("Forwarded", $"for={Internet}"))).ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task BehindATrustedProxy_TheAddressItForwardsIsJudged()
    {
        await using var portal = await MetricsPortal.StartAsync(new()
        {
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["Metrics:AllowedNetworks:0"] = "10.20.0.0/24",
        });

        (await StatusAsync(portal, "127.0.0.1", ("X-Forwarded-For", Internet))).ShouldBe(
            HttpStatusCode.Forbidden, "the internet, through the proxy on the portal's own machine");
        (await StatusAsync(portal, "127.0.0.1", ("X-Forwarded-For", Internal))).ShouldBe(HttpStatusCode.OK);
        (await StatusAsync(portal, "127.0.0.1", ("X-Forwarded-For", $"{Internal}, {Internet}"))).ShouldBe(
            HttpStatusCode.Forbidden, "the proxy read one hop; the request came from further away");
    }

    [Fact]
    public async Task TurnedOff_MetricsAreNotThere()
    {
        await using var portal = await MetricsPortal.StartAsync(new() { ["Metrics:Enabled"] = "false" });

        (await StatusAsync(portal, "127.0.0.1")).ShouldBe(HttpStatusCode.NotFound);
        (await StatusAsync(portal, Internet)).ShouldBe(HttpStatusCode.NotFound, "not a sign-in page either");
    }

    [Theory]
    [InlineData("10.20.0.0/33", "is not a network in CIDR form")]
    [InlineData("metrics.corp.example", "is not a network in CIDR form")]
    [InlineData("10.20.0.1/24", "has bits set past its prefix: write the network (10.20.0.0/24) or one address")]
    public async Task AnAllowedNetworkThatIsNotOne_StopsTheStart_SayingWhich(string network, string expected)
    {
        var failure = await Should.ThrowAsync<Exception>(() => MetricsPortal.StartAsync(new() { ["Metrics:AllowedNetworks:0"] = network }));

        failure.Messages().ShouldContain(m => m.Contains($"Metrics:AllowedNetworks:0: \"{network}\" {expected}"));
    }

    private static async Task<HttpStatusCode> StatusAsync(PortalFactory portal, string? peer, params (string Name, string Value)[] headers)
    {
        using var response = await portal.GetMetricsAsync(peer, headers);
        return response.StatusCode;
    }
}
