using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Agent.Certificates;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Diagnostics;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Diagnostics.DiagnosticsPortal;

namespace VpnPortal.Web.Tests.Diagnostics;

/// <summary>
/// NTAuth is one store for the whole forest: NPS servers that miss the client certificates' CA there make one finding for
/// the fleet, naming them, shown on each of their pages, acknowledged and suppressed like any other.
/// </summary>
public sealed class FleetFindingsTests
{
    public const string Rule = "nps.ntauth-missing-ca";
    public const string IssuingCa = "CN=Corp Issuing CA, DC=corp, DC=example";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Lazy<(X509Certificate2 Ca, X509Certificate2 Server)> Pki = new(() =>
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest(IssuingCa, caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(5));

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=nps.corp.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("nps.corp.example");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(300), [1, 2, 3, 4]);
        return (X509CertificateLoader.LoadCertificate(ca.RawData), issued.CopyWithPrivateKey(key));
    });

    /// <summary>A healthy NPS server (its EAP certificate from the CA, no MFA extension), with the CA in its NTAuth copy or not.</summary>
    public static AgentSnapshot NpsReport(TestAgent agent, bool caInNtAuth) => new()
    {
        Sequence = agent.Next(),
        TakenAt = DateTimeOffset.UtcNow,
        MachineName = agent.MachineName,
        HostFqdn = agent.MachineName.ToLowerInvariant() + ".corp.example",
        AgentVersion = "1.0.0-test",
        Nps = new NpsState { MfaExtension = new MfaExtensionReport { Installed = false } },
        Certificates =
        [
            CertificateReport.From(Pki.Value.Server, CertificateStoreKind.My),
            .. caInNtAuth ? [CertificateReport.From(Pki.Value.Ca, CertificateStoreKind.NTAuth)] : Array.Empty<ReportedCertificate>(),
        ],
    };

    public static Dictionary<string, string> Settings => new() { ["Diagnostics:ClientCertificateIssuers:0"] = IssuingCa };

    /// <summary>NPS01, NPS02 and NPS03 enrolled, each reporting NTAuth without the CA.</summary>
    public static async Task<List<TestAgent>> ThreeNpsServersAsync(PortalFactory portal)
    {
        var agents = new List<TestAgent>();
        foreach (var name in new[] { "NPS01", "NPS02", "NPS03" })
        {
            var agent = await portal.EnrollAsync(ServerRole.Nps, name);
            (await agent.ReportAsync(NpsReport(agent, caInNtAuth: false))).Applied.ShouldBeTrue();
            agents.Add(agent);
        }

        return agents;
    }

    private static async Task<JsonElement> FindingsAsync(DiagnosticsPortal d, string query) =>
        await d.OnCall.GetFromJsonAsync<JsonElement>($"/api/v1/findings?{query}", Ct);

    private static List<string?> Names(JsonElement finding) =>
        finding.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ThreeNpsServersMissingTheCaFromNtAuth_OneOpenFindingNamingTheThree_ThatResolvesOnceWhenFixed(string provider)
    {
        await using var d = await StartAsync(provider, Settings);
        var agents = await ThreeNpsServersAsync(d.Portal);

        var first = await d.EvaluateAsync();

        first.Opened.ShouldBe(1, "NTAuth is one store for the forest: one finding, not one per server");
        var open = await FindingsAsync(d, $"rule={Rule}");
        var finding = open.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        var id = finding.GetProperty("id").GetGuid();
        finding.GetProperty("serverId").ValueKind.ShouldBe(JsonValueKind.Null);
        finding.GetProperty("serverName").GetString().ShouldBe("NPS01, NPS02, NPS03");
        Names(finding).ShouldBe(["NPS01", "NPS02", "NPS03"]);
        finding.GetProperty("key").GetString().ShouldBe(IssuingCa);
        finding.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("label").GetString())
            .ShouldBe(["Issuer expected in NTAuth", "NTAuth on NPS01", "NTAuth on NPS02", "NTAuth on NPS03"]);
        finding.GetProperty("serverPage").GetString().ShouldBe($"diagnostics?rule={Rule}");

        // Each of its servers lists the same one finding, as the server pages do.
        foreach (var name in new[] { "NPS01", "NPS02", "NPS03" })
        {
            (await FindingsAsync(d, $"server={name}&rule={Rule}")).GetProperty("items").EnumerateArray().ShouldHaveSingleItem().GetProperty("id").GetGuid().ShouldBe(id);
        }

        // Evaluated again, still broken: nothing new opens.
        d.Time.Advance(TimeSpan.FromMinutes(1));
        (await d.EvaluateAsync()).Opened.ShouldBe(0);

        // Acknowledging the one finding works as for any other, and names its servers.
        await OkJsonAsync(await d.PostJsonAsync(d.Admin, $"/api/v1/findings/{id}/acknowledge", new { reason = "CA added in tonight's change" }));
        (await d.AuditAsync("finding.")).ShouldHaveSingleItem().Summary.ShouldContain("NPS01, NPS02, NPS03");

        // NPS01 has pulled the new NTAuth, the others not yet: the same finding, now naming two.
        d.Time.Advance(TimeSpan.FromMinutes(1));
        await agents[0].ReportAsync(NpsReport(agents[0], caInNtAuth: true));
        var partly = await d.EvaluateAsync();
        (partly.Opened, partly.Resolved).ShouldBe((0, 0));
        var still = (await FindingsAsync(d, $"rule={Rule}")).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        still.GetProperty("id").GetGuid().ShouldBe(id);
        Names(still).ShouldBe(["NPS02", "NPS03"]);
        still.GetProperty("acknowledged").ValueKind.ShouldNotBe(JsonValueKind.Null, "the acknowledgement stays with the finding");
        (await FindingsAsync(d, $"server=NPS01&rule={Rule}")).GetProperty("total").GetInt32().ShouldBe(0);

        d.Time.Advance(TimeSpan.FromMinutes(1));
        foreach (var agent in agents.Skip(1))
        {
            await agent.ReportAsync(NpsReport(agent, caInNtAuth: true));
        }

        var fixedNow = await d.EvaluateAsync();
        fixedNow.Resolved.ShouldBe(1);
        (await FindingsAsync(d, $"rule={Rule}")).GetProperty("total").GetInt32().ShouldBe(0);
        var history = (await FindingsAsync(d, $"rule={Rule}&state=all")).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        history.GetProperty("id").GetGuid().ShouldBe(id);
        history.GetProperty("resolvedAt").GetDateTimeOffset().ShouldBe(d.Time.GetUtcNow(), TimeSpan.FromMilliseconds(1));
        (await d.EvaluateAsync()).Resolved.ShouldBe(0, "it resolves once");
        await using var db = d.Portal.Database.CreateContext();
        (await db.DiagnosticFindings.CountAsync(f => f.RuleId == Rule, Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task TheFleetFinding_IsOnEachOfItsServersPages_OnceOnTheDashboard_AndInTheHistory()
    {
        await using var d = await StartAsync(settings: Settings);
        await ThreeNpsServersAsync(d.Portal);
        var elsewhere = await d.Portal.EnrollAsync(ServerRole.Nps, "NPS04");
        await elsewhere.ReportAsync(NpsReport(elsewhere, caInNtAuth: true));
        await d.EvaluateAsync();
        var id = (await FindingsAsync(d, $"rule={Rule}")).GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid();
        Guid nps02, nps04;
        await using (var db = d.Portal.Database.CreateContext())
        {
            nps02 = await db.Servers.Where(s => s.Name == "NPS02").Select(s => s.Id).SingleAsync(Ct);
            nps04 = await db.Servers.Where(s => s.Name == "NPS04").Select(s => s.Id).SingleAsync(Ct);
        }

        using var admin = await d.Portal.SignInAsync(d.AdminUser);
        var page = await admin.Client.GetStringAsync($"/servers/nps/{nps02}", Ct);
        var other = await admin.Client.GetStringAsync($"/servers/nps/{nps04}", Ct);
        var dashboard = await admin.Client.GetStringAsync("/", Ct);
        // The history table reads its rows once the page is interactive; its CSV export runs the same query.
        var history = await admin.Client.GetStringAsync($"/export/findings.csv?rule={Rule}", Ct);

        page.ShouldContain($"id=\"finding-{id}\"");
        page.ShouldContain("One finding for the whole fleet, reported by");
        page.ShouldContain("Suppress this rule on NPS02");
        page.ShouldContain($"href=\"diagnostics?rule={Rule}\"");
        other.ShouldNotContain($"finding-{id}", customMessage: "a server with the CA in NTAuth does not show it");
        dashboard.Split("class=\"worst-finding\" data-rule=\"" + Rule + "\"").Length.ShouldBe(2, "the dashboard lists it once");
        dashboard.ShouldContain("NPS01, NPS02, NPS03");
        history.ShouldContain("NPS01");
        history.ShouldContain("NPS03");
    }

    [Fact]
    public async Task ARuleSuppressedOnEveryServerOfTheFleetFinding_OpensNothing_OnSomeOfThem_StillOpensIt()
    {
        await using var d = await StartAsync(settings: Settings);
        await ThreeNpsServersAsync(d.Portal);
        foreach (var server in new[] { "NPS01", "NPS02" })
        {
            await OkJsonAsync(
                await d.PostJsonAsync(d.Admin, "/api/v1/suppressions", new { server, rule = Rule, reason = "CA change pending", expiresAt = d.Time.GetUtcNow().AddDays(1) }),
                HttpStatusCode.Created);
        }

        (await d.EvaluateAsync()).Opened.ShouldBe(1, "NPS03 still reports it");
        var overview = await d.Portal.InScopeAsync(sp => ActivatorUtilities.CreateInstance<GetFindingsOverview>(sp).RunAsync(Ct));
        (overview.Critical, overview.Suppressed).ShouldBe((1, 0));

        await OkJsonAsync(
            await d.PostJsonAsync(d.Admin, "/api/v1/suppressions", new { server = "NPS03", rule = Rule, reason = "CA change pending", expiresAt = d.Time.GetUtcNow().AddDays(1) }),
            HttpStatusCode.Created);
        overview = await d.Portal.InScopeAsync(sp => ActivatorUtilities.CreateInstance<GetFindingsOverview>(sp).RunAsync(Ct));
        (overview.Critical, overview.Suppressed).ShouldBe((0, 1), "suppressed on every server it concerns: counted apart");
        (await FindingsAsync(d, $"rule={Rule}")).GetProperty("items").EnumerateArray().Single().GetProperty("suppressed").ValueKind.ShouldNotBe(JsonValueKind.Null);

        // Resolved, then firing again while suppressed everywhere: it does not open.
        await using (var db = d.Portal.Database.CreateContext())
        {
            await db.DiagnosticFindings.Where(f => f.RuleId == Rule).ExecuteUpdateAsync(s => s.SetProperty(f => f.ResolvedAt, d.Time.GetUtcNow()), Ct);
        }

        var again = await d.EvaluateAsync();
        (again.Opened, again.Suppressed).ShouldBe((0, 1));
    }
}
