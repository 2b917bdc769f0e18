using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Alerts.AlertLifecycleTests;

namespace VpnPortal.Web.Tests.Alerts;

public sealed class AlertsApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task OnCall_ListsFiltersReadsAndAcknowledges_AndTheAlertsPagesShowIt(string provider)
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var (portal, _, _) = await StartAsync(provider, time);
        await using var _p = portal;
        await portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            var r = await AlertsSeed.RrasAsync(db, "RRAS-01");
            await AlertsSeed.CertificateAsync(db, "soon.corp.example", time.GetUtcNow().AddDays(2), CertificateStoreName.My, time.GetUtcNow(), r);
            await AlertsSeed.CertificateAsync(db, "later.corp.example", time.GetUtcNow().AddDays(20), CertificateStoreName.NTAuth, time.GetUtcNow(), r);
        });
        await ScanAsync(portal);
        var oncall = await portal.CreateUserAsync(Roles.OnCall);
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(oncall));

        var all = await api.GetFromJsonAsync<JsonElement>("/api/v1/alerts", Ct);
        all.GetProperty("total").GetInt32().ShouldBe(2);
        var critical = await api.GetFromJsonAsync<JsonElement>("/api/v1/alerts?severity=critical", Ct);
        var soon = critical.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        soon.GetProperty("title").GetString().ShouldBe("soon.corp.example");
        var id = soon.GetProperty("id").GetGuid();

        using var ack = await api.PostAsJsonAsync($"/api/v1/alerts/{id}/acknowledge", new { note = "on it" }, Ct);
        ack.StatusCode.ShouldBe(HttpStatusCode.OK);
        var detail = await api.GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{id}", Ct);
        detail.GetProperty("alert").GetProperty("state").GetString().ShouldBe("acknowledged");
        detail.GetProperty("acknowledgementNote").GetString().ShouldBe("on it");
        detail.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ShouldContain("acknowledged");
        detail.GetProperty("deliveries").EnumerateArray().ShouldHaveSingleItem().GetProperty("sourceKey").GetString().ShouldBe($"alert:{id}:threshold:3");
        (await api.GetFromJsonAsync<JsonElement>("/api/v1/alerts?state=firing", Ct)).GetProperty("total").GetInt32().ShouldBe(1);

        var browser = await portal.SignInAsync(oncall);
        // The list's table reads its rows once the page is interactive (AlertPagesTests show them); here the page answers.
        using var list = await browser.Client.GetAsync("/alerts", Ct);
        list.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await list.Content.ReadAsStringAsync(Ct)).ShouldContain("id=\"alert-list\"");
        using var page = await browser.Client.GetAsync($"/alerts/{id}", Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("RRAS-01");
        html.ShouldContain("on it");
    }

    [Theory]
    [InlineData("/api/v1/alerts?state=burning", "state")]
    [InlineData("/api/v1/alerts?severity=3", "severity")]
    [InlineData("/api/v1/alerts?take=0", "take")]
    public async Task BadFilter_Is400NamingIt(string url, string field)
    {
        var (portal, _, _) = await StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(TestClock.Start));
        await using var _p = portal;
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(Roles.OnCall)));

        using var response = await api.GetAsync(url, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain(field);
    }

    [Fact]
    public async Task AcknowledgeUnknownAlert_Is404_AndWritesNothing()
    {
        var (portal, _, _) = await StartAsync(TestDatabase.Sqlite, new FakeTimeProvider(TestClock.Start));
        await using var _p = portal;
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(Roles.OnCall)));
        var before = await portal.CountRowsWhenSettledAsync();

        using var response = await api.PostAsJsonAsync($"/api/v1/alerts/{Guid.NewGuid()}/acknowledge", new { note = "x" }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await portal.CountRowsAsync()).ShouldEqual(before, "nothing to acknowledge");
    }
}
