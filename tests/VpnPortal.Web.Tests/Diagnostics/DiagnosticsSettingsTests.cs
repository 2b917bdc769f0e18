using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Diagnostics.DiagnosticsPortal;

namespace VpnPortal.Web.Tests.Diagnostics;

/// <summary>
/// The fleet settings the rules compare reports with: configuration's values until an admin saves them in the portal,
/// then the database's, versioned against stale edits, audited, and used by the next evaluation.
/// </summary>
public sealed class DiagnosticsSettingsTests(SharedPortals shared) : IClassFixture<SharedPortals>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An RRAS server whose RADIUS timeout (30 s) is fine unless users answer phone-call MFA.</summary>
    private static AgentSnapshot ShortRadiusTimeout(TestAgent agent)
    {
        var snapshot = Snapshots.Rras(agent, agent.Next(), []);
        return snapshot with { Rras = snapshot.Rras! with { RadiusServers = [new ReportedRadiusServer { Address = "nps01.corp.example", TimeoutSeconds = 30 }] } };
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ConfigurationGivesTheFirstValues_ASavedChangeReplacesThem_IsAudited_AndTheNextEvaluationUsesIt(string provider)
    {
        await using var d = await StartAsync(provider, new Dictionary<string, string>
        {
            ["Diagnostics:EapServerNames:0"] = "nps01.corp.example",
            ["Diagnostics:PhoneCallMfa"] = "false",
        });
        var vpn01 = await d.Portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await vpn01.ReportAsync(ShortRadiusTimeout(vpn01));
        await d.EvaluateAsync();
        (await d.OpenFindingIdAsync("VPN01", "radius.timeout-short")).ShouldBeNull("phone-call MFA is off in configuration");

        var defaults = await d.Admin.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/settings", Ct);
        defaults.GetProperty("version").ValueKind.ShouldBe(JsonValueKind.Null, "nothing saved yet: configuration's values");
        defaults.GetProperty("eapServerNames").EnumerateArray().Select(e => e.GetString()).ShouldBe(["nps01.corp.example"]);

        var saved = await OkJsonAsync(await d.PostJsonAsync(d.Admin, "/api/v1/diagnostics/settings", new
        {
            eapServerNames = new[] { "nps01.corp.example;nps02.corp.example" },
            phoneCallMfa = true,
            clientCertificateIssuers = new[] { "CN=Corp Issuing CA, DC=corp, DC=example" },
            loadBalancerCertificates = new[] { new { site = "London", sha256 = "ab:" + new string('c', 62) } },
            version = (Guid?)null,
        }));
        await d.EvaluateAsync();

        saved.GetProperty("version").GetGuid().ShouldNotBe(Guid.Empty);
        saved.GetProperty("eapServerNames").EnumerateArray().Select(e => e.GetString()).ShouldBe(["nps01.corp.example", "nps02.corp.example"]);
        saved.GetProperty("loadBalancerCertificates").EnumerateArray().ShouldHaveSingleItem().GetProperty("sha256").GetString().ShouldBe("AB" + new string('C', 62));
        (await d.OpenFindingIdAsync("VPN01", "radius.timeout-short")).ShouldNotBeNull("saved with phone-call MFA on");
        var entry = (await d.AuditAsync("diagnostics-settings.")).ShouldHaveSingleItem();
        entry.ActorUserId.ShouldBe(d.AdminUser.Id);
        entry.Summary.ShouldContain("phone-call MFA on");
        entry.BeforeJson.ShouldNotBeNull().ShouldContain("\"PhoneCallMfa\":false");
        entry.AfterJson.ShouldNotBeNull().ShouldContain("nps02.corp.example");
        (await d.Admin.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/settings", Ct)).GetProperty("phoneCallMfa").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task ASitesLoadBalancerCertificate_IsComparedWithItsOffloadedServers_AndAServersOwnEntryWins()
    {
        await using var d = await StartAsync();
        var vpn01 = await d.Portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var reportedHash = Convert.ToHexString(SHA256.HashData(Snapshots.SstpCertificate.RawData));
        await using (var db = d.Portal.Database.CreateContext())
        {
            var server = await db.RrasServers.SingleAsync(s => s.Id == vpn01.ServerId, Ct);
            server.Site = "London";
            server.TlsOffload = true;
            await db.SaveChangesAsync(Ct);
        }

        var snapshot = Snapshots.Rras(vpn01, vpn01.Next(), []);
        await vpn01.ReportAsync(snapshot with { Rras = snapshot.Rras! with { Sstp = new SstpParameters { ListenerPort = 443, UseHttps = false, Sha256CertificateHash = reportedHash } } });
        var renewed = new string('E', 64);
        await OkJsonAsync(await d.PostJsonAsync(d.Admin, "/api/v1/diagnostics/settings", new { loadBalancerCertificates = new[] { new { site = "london", sha256 = renewed } } }));
        await d.EvaluateAsync();

        var id = await d.OpenFindingIdAsync("VPN01", "offload.hash-mismatch");
        id.ShouldNotBeNull("the site's load balancer presents another certificate");
        var finding = (await d.OnCall.GetFromJsonAsync<JsonElement>($"/api/v1/findings?server=VPN01&rule=offload.hash-mismatch", Ct)).GetProperty("items")[0];
        finding.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("value").GetString()).ShouldBe([reportedHash, renewed]);

        await using (var db = d.Portal.Database.CreateContext())
        {
            (await db.RrasServers.SingleAsync(s => s.Id == vpn01.ServerId, Ct)).LoadBalancerCertificateSha256 = reportedHash;
            await db.SaveChangesAsync(Ct);
        }

        d.Time.Advance(TimeSpan.FromMinutes(1));
        await d.EvaluateAsync();
        (await d.OpenFindingIdAsync("VPN01", "offload.hash-mismatch")).ShouldBeNull("the server's own entry wins over its site's");
    }

    [Theory]
    [InlineData("""{"eapServerNames": ["not a name"]}""", "eapServerNames")]
    [InlineData("""{"eapServerNames": ["https://nps01.corp.example"]}""", "not a URL")]
    [InlineData("""{"clientCertificateIssuers": ["Corp Issuing CA"]}""", "is not a distinguished name")]
    [InlineData("""{"loadBalancerCertificates": [{"site": "London", "sha256": "abc"}]}""", "64 hexadecimal characters")]
    [InlineData("""{"loadBalancerCertificates": [{"site": "", "sha256": "ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB"}]}""", "needs its site's name")]
    [InlineData("""{"loadBalancerCertificates": [{"site": "A", "sha256": "ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB"}, {"site": "a", "sha256": "ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB"}]}""", "listed twice")]
    [InlineData("""{"phoneCallMfa": "yes"}""", "not a valid request")]
    public async Task Save_BadInput_Is400WithTheReason_AndWritesNothing(string json, string says)
    {
        var d = await shared.ForTheoryAsync(async s => s.Own(await StartAsync()));
        var before = await d.Portal.CountRowsWhenSettledAsync();

        using var response = await d.Admin.PostAsync("/api/v1/diagnostics/settings", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        body.ShouldContain(says);
        (await d.Portal.CountRowsAsync()).ShouldEqual(before, "refused settings write nothing");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Save_WithAStaleVersion_Is409_AndKeepsTheOtherAdminsChange(string provider)
    {
        await using var d = await StartAsync(provider);
        var first = await OkJsonAsync(await d.PostJsonAsync(d.Admin, "/api/v1/diagnostics/settings", new { phoneCallMfa = true }));
        var loaded = first.GetProperty("version").GetGuid();
        await OkJsonAsync(await d.PostJsonAsync(d.Admin, "/api/v1/diagnostics/settings", new { phoneCallMfa = true, eapServerNames = new[] { "nps01.corp.example" }, version = loaded }));
        var before = await d.Portal.CountRowsWhenSettledAsync();

        using var stale = await d.PostJsonAsync(d.Admin, "/api/v1/diagnostics/settings", new { phoneCallMfa = false, version = loaded });
        using var firstSaveAgain = await d.PostJsonAsync(d.Admin, "/api/v1/diagnostics/settings", new { phoneCallMfa = false });
        using var onCall = await d.PostJsonAsync(d.OnCall, "/api/v1/diagnostics/settings", new { phoneCallMfa = false });

        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await stale.Content.ReadAsStringAsync(Ct)).ShouldContain("changed by someone else");
        firstSaveAgain.StatusCode.ShouldBe(HttpStatusCode.Conflict, "a first save when settings were saved meanwhile is stale too");
        onCall.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await d.Portal.CountRowsAsync()).ShouldEqual(before, "refused saves write nothing");
        var now = await d.Admin.GetFromJsonAsync<JsonElement>("/api/v1/diagnostics/settings", Ct);
        now.GetProperty("phoneCallMfa").GetBoolean().ShouldBeTrue();
        now.GetProperty("eapServerNames").GetArrayLength().ShouldBe(1);
    }
}
