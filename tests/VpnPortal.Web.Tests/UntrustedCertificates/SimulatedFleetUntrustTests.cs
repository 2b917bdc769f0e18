using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using VpnPortal.Agent.Simulation;
using VpnPortal.Contracts.Agents;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.UntrustedCertificates.UntrustedFleet;

namespace VpnPortal.Web.Tests.UntrustedCertificates;

/// <summary>
/// The whole loop with real agents: simulated RRAS servers, each run by the agent runtime over HTTP against the portal,
/// whose certificate stores change only through the commands the portal sends.
/// </summary>
public sealed class SimulatedFleetUntrustTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Untrust_ReachesEverySimulatedServersStore_AFailureSaysWhy_AndRemovalTakesItOutEverywhere()
    {
        await using var portal = await PortalFactory.StartAsync();
        var options = new SimulatedFleetOptions
        {
            Portal = new Uri("http://localhost/"),
            RrasServers = 3,
            NpsServers = 0,
            StaggerFirstReport = false,
            Simulation = new SimulationOptions { Seed = 11, TargetSessions = 2 },
        };
        await SimulatedFleets.RunAsync(portal, options, async fleet =>
        {
            using var api = await AdminApiAsync(portal);
            var alreadyUntrusted = fleet.RrasServers[0].Certificates.UntrustedDeviceCertificate.Thumbprint;
            await EventuallyAsync(
                async () => await api.GetFromJsonAsync<JsonElement>("/api/v1/servers", Ct),
                s => s.GetProperty("items").EnumerateArray().Count(i => i.GetProperty("lastReportAt").ValueKind == JsonValueKind.String) == 3,
                "every simulated server has reported");

            using var lost = DeviceCertificate("LT-8123.corp.example");
            await UntrustOkAsync(api, new { certificate = Pem(lost), reason = "reported stolen" });

            await EventuallyAsync(() => ItemAsync(api, lost.Thumbprint), i => i.GetProperty("placement").GetString() == "3 of 3", "the certificate is in place on 3 of 3");
            fleet.RrasServers.ShouldAllBe(s => s.Thumbprints(CertificateStoreKind.Disallowed).Contains(lost.Thumbprint));

            // An agent that cannot import: the page and API carry its own words.
            fleet.RrasServers[2].FailNextCommands(1, "Access is denied.", AgentCommandKinds.ImportCertificate);
            using var second = DeviceCertificate("LT-8124.corp.example");
            await UntrustOkAsync(api, new { certificate = Pem(second) });
            var failed = await EventuallyAsync(
                () => ItemAsync(api, second.Thumbprint),
                i => i.GetProperty("placement").GetString() == "2 of 3" && i.GetProperty("problems").GetArrayLength() == 1
                    && i.GetProperty("problems")[0].GetString()!.Contains("failed"),
                "two servers took it and the third said why not");
            failed.GetProperty("problems")[0].GetString()!.ShouldStartWith("RRAS-SIM-03: import failed: Access is denied.");

            using var removed = await api.DeleteAsync($"{Route}/{lost.Thumbprint}", Ct);
            removed.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            await EventuallyAsync(
                async () => (await ListAsync(api)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("sha1Thumbprint").GetString()).ToList(),
                items => !items.Contains(lost.Thumbprint),
                "the removed certificate leaves the set once every server reports it gone");
            fleet.RrasServers.ShouldAllBe(s => !s.Thumbprints(CertificateStoreKind.Disallowed).Contains(lost.Thumbprint));
            fleet.RrasServers.ShouldAllBe(s => s.Thumbprints(CertificateStoreKind.Disallowed).Contains(alreadyUntrusted), "what others put there stays");
        });
    }
}
