using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Diagnostics;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Diagnostics;

/// <summary>
/// A portal without the background evaluator, so a test decides when the fleet is evaluated (a pass after a report would
/// otherwise race the test's own); with an admin's and an on-call person's API clients.
/// </summary>
internal sealed class DiagnosticsPortal : IAsyncDisposable
{
    public const string Stranger = "0123456789ABCDEF0123456789ABCDEF01234567";

    private DiagnosticsPortal(PortalFactory portal, FakeTimeProvider time, HttpClient admin, HttpClient onCall, TestUser adminUser)
    {
        Portal = portal;
        Time = time;
        Admin = admin;
        OnCall = onCall;
        AdminUser = adminUser;
    }

    public PortalFactory Portal { get; }
    public FakeTimeProvider Time { get; }
    public HttpClient Admin { get; }
    public HttpClient OnCall { get; }
    public TestUser AdminUser { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<DiagnosticsPortal> StartAsync(string provider = TestDatabase.Sqlite, Dictionary<string, string>? settings = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var portal = await PortalFactory.StartAsync(provider, time, settings, services => services.WithoutHosted<FindingsEvaluator>());
        var admin = await portal.CreateUserAsync(Roles.Admin);
        var onCall = await portal.CreateUserAsync(Roles.OnCall);
        return new DiagnosticsPortal(
            portal, time, portal.CreateApiClient(await portal.CreateApiKeyAsync(admin)), portal.CreateApiClient(await portal.CreateApiKeyAsync(onCall)), admin);
    }

    /// <summary>Someone bound another certificate to the IPv6 listener in IIS: the SSTP "thumbprint is different" failure.</summary>
    public static AgentSnapshot WithIpv6Binding(TestAgent agent, string hash)
    {
        var snapshot = Snapshots.Rras(agent, agent.Next(), []);
        return snapshot with
        {
            Rras = snapshot.Rras! with
            {
                SslBindings = [snapshot.Rras.SslBindings[0], snapshot.Rras.SslBindings[1] with { CertificateHash = hash }],
            },
        };
    }

    /// <summary>VPN01 reporting the binding mismatch, evaluated: its finding's id.</summary>
    public async Task<(TestAgent Agent, Guid FindingId)> BrokenServerAsync(string name = "VPN01")
    {
        var agent = await Portal.EnrollAsync(ServerRole.Rras, name);
        await agent.ReportAsync(WithIpv6Binding(agent, Stranger));
        await EvaluateAsync();
        return (agent, await OpenFindingIdAsync(name, "sstp.binding-mismatch") ?? throw new ShouldAssertException("the mismatch opens a finding"));
    }

    public Task<EvaluateFindings.Outcome> EvaluateAsync() =>
        Portal.InScopeAsync(sp => sp.GetRequiredService<EvaluateFindings>().RunAsync(null, Ct));

    public async Task<Guid?> OpenFindingIdAsync(string server, string rule)
    {
        var page = await OnCall.GetFromJsonAsync<JsonElement>($"/api/v1/findings?server={server}&rule={rule}", Ct);
        return page.GetProperty("items").EnumerateArray().Select(i => (Guid?)i.GetProperty("id").GetGuid()).SingleOrDefault();
    }

    public Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string url, object body) => client.PostAsJsonAsync(url, body, Ct);

    public async Task<List<AuditEntry>> AuditAsync(string actionPrefix)
    {
        await using var db = Portal.Database.CreateContext();
        return await db.AuditEntries.AsNoTracking().Where(a => a.Action.StartsWith(actionPrefix)).OrderBy(a => a.Id).ToListAsync(Ct);
    }

    public static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(expected, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        OnCall.Dispose();
        await Portal.DisposeAsync();
    }
}
