using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Web.Features.Diagnostics;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.Diagnostics.DiagnosticsPortal;

namespace VpnPortal.Web.Tests.Diagnostics;

/// <summary>
/// Admins acknowledge a finding with a reason (it stays open, muted) or suppress a rule on a server until a date; both are
/// audited with the reason, and bad requests say why and change nothing.
/// </summary>
public sealed class AcknowledgeAndSuppressTests(SharedPortals shared) : IClassFixture<SharedPortals>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Acknowledge_KeepsTheFindingOpenWithWhoWhenWhy_AuditsIt_AndUnacknowledgeTakesItBack(string provider)
    {
        await using var d = await StartAsync(provider);
        var (_, id) = await d.BrokenServerAsync();

        var acknowledged = await OkJsonAsync(await d.PostJsonAsync(d.Admin, $"/api/v1/findings/{id}/acknowledge", new { reason = "  IIS site removed in tonight's change  " }));

        var ack = acknowledged.GetProperty("acknowledged");
        ack.GetProperty("reason").GetString().ShouldBe("IIS site removed in tonight's change");
        ack.GetProperty("at").GetDateTimeOffset().ShouldBe(d.Time.GetUtcNow(), TimeSpan.FromMilliseconds(1));
        acknowledged.GetProperty("resolvedAt").ValueKind.ShouldBe(JsonValueKind.Null, "an acknowledged finding stays open");
        var listed = await d.OnCall.GetFromJsonAsync<JsonElement>("/api/v1/findings?state=acknowledged", Ct);
        listed.GetProperty("items").EnumerateArray().ShouldHaveSingleItem().GetProperty("id").GetGuid().ShouldBe(id);
        var entry = (await d.AuditAsync("finding.")).ShouldHaveSingleItem();
        entry.Action.ShouldBe("finding.acknowledged");
        entry.ActorUserId.ShouldBe(d.AdminUser.Id);
        entry.Summary.ShouldContain("VPN01");
        entry.Summary.ShouldContain("IIS site removed in tonight's change");

        // Evaluated again while still broken: the same finding, still acknowledged.
        d.Time.Advance(TimeSpan.FromMinutes(1));
        (await d.EvaluateAsync()).Opened.ShouldBe(0);
        (await d.OnCall.GetFromJsonAsync<JsonElement>("/api/v1/findings?state=acknowledged", Ct)).GetProperty("total").GetInt32().ShouldBe(1);

        var taken = await OkJsonAsync(await d.PostJsonAsync(d.Admin, $"/api/v1/findings/{id}/unacknowledge", new { }));
        taken.GetProperty("acknowledged").ValueKind.ShouldBe(JsonValueKind.Null);
        (await d.OnCall.GetFromJsonAsync<JsonElement>("/api/v1/findings?state=acknowledged", Ct)).GetProperty("total").GetInt32().ShouldBe(0);
        (await d.AuditAsync("finding.")).Select(a => a.Action).ShouldBe(["finding.acknowledged", "finding.unacknowledged"]);
    }

    [Fact]
    public async Task AnAcknowledgedFindingThatResolvesAndFiresAgain_IsANewFinding_NotAcknowledged()
    {
        await using var d = await StartAsync();
        var (vpn01, first) = await d.BrokenServerAsync();
        await OkJsonAsync(await d.PostJsonAsync(d.Admin, $"/api/v1/findings/{first}/acknowledge", new { reason = "known" }));

        d.Time.Advance(TimeSpan.FromMinutes(1));
        await vpn01.ReportAsync(Snapshots.Rras(vpn01, vpn01.Next(), []));
        (await d.EvaluateAsync()).Resolved.ShouldBeGreaterThan(0);
        d.Time.Advance(TimeSpan.FromMinutes(1));
        await vpn01.ReportAsync(WithIpv6Binding(vpn01, Stranger));
        await d.EvaluateAsync();

        var again = await d.OpenFindingIdAsync("VPN01", "sstp.binding-mismatch");
        again.ShouldNotBeNull().ShouldNotBe(first);
        (await d.OnCall.GetFromJsonAsync<JsonElement>("/api/v1/findings?state=acknowledged", Ct)).GetProperty("total").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Acknowledge_Refusals_SayWhy_AndChangeNothing()
    {
        await using var d = await StartAsync();
        var (vpn01, id) = await d.BrokenServerAsync();
        d.Time.Advance(TimeSpan.FromMinutes(1));
        await vpn01.ReportAsync(Snapshots.Rras(vpn01, vpn01.Next(), []));
        await d.EvaluateAsync(); // the mismatch resolves
        var (_, open) = await d.BrokenServerAsync("VPN02");
        var before = await d.Portal.CountRowsWhenSettledAsync();

        using var empty = await d.PostJsonAsync(d.Admin, $"/api/v1/findings/{open}/acknowledge", new { reason = "   " });
        using var missing = await d.PostJsonAsync(d.Admin, $"/api/v1/findings/{open}/acknowledge", new { });
        using var notJson = await d.Admin.PostAsync($"/api/v1/findings/{open}/acknowledge", new StringContent("reason=x", Encoding.UTF8, "application/x-www-form-urlencoded"), Ct);
        using var tooLong = await d.PostJsonAsync(d.Admin, $"/api/v1/findings/{open}/acknowledge", new { reason = new string('x', 2001) });
        using var unknown = await d.PostJsonAsync(d.Admin, $"/api/v1/findings/{Guid.NewGuid()}/acknowledge", new { reason = "x" });
        using var resolved = await d.PostJsonAsync(d.Admin, $"/api/v1/findings/{id}/acknowledge", new { reason = "x" });
        using var notAcknowledged = await d.PostJsonAsync(d.Admin, $"/api/v1/findings/{open}/unacknowledge", new { });
        using var onCall = await d.PostJsonAsync(d.OnCall, $"/api/v1/findings/{open}/acknowledge", new { reason = "x" });

        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var emptyBody = await empty.Content.ReadAsStringAsync(Ct);
        emptyBody.ShouldContain("Give a reason");
        ErrorFields(emptyBody).ShouldBe(["reason"], "the refused reason is named as the request names it");
        missing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        notJson.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tooLong.Content.ReadAsStringAsync(Ct)).ShouldContain("at most 2000 characters");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        resolved.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await resolved.Content.ReadAsStringAsync(Ct)).ShouldContain("resolved");
        notAcknowledged.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        onCall.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await d.Portal.CountRowsAsync()).ShouldEqual(before, "refusals write nothing");
        await using var db = d.Portal.Database.CreateContext();
        (await db.DiagnosticFindings.CountAsync(f => f.AcknowledgedAt != null, Ct)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task SuppressedRule_OpensNoFindingOnThatServer_UntilLifted_AndBothAreAudited(string provider)
    {
        await using var d = await StartAsync(provider);
        var vpn01 = await d.Portal.EnrollAsync(Data.Entities.ServerRole.Rras, "VPN01");
        var vpn02 = await d.Portal.EnrollAsync(Data.Entities.ServerRole.Rras, "VPN02");

        var created = await OkJsonAsync(
            await d.PostJsonAsync(d.Admin, "/api/v1/suppressions", new { server = "vpn01", rule = "sstp.binding-mismatch", reason = "IIS test site until Friday", expiresAt = d.Time.GetUtcNow().AddDays(3) }),
            HttpStatusCode.Created);
        await vpn01.ReportAsync(WithIpv6Binding(vpn01, Stranger));
        await vpn02.ReportAsync(WithIpv6Binding(vpn02, Stranger));
        var outcome = await d.EvaluateAsync();

        outcome.Suppressed.ShouldBeGreaterThan(0);
        (await d.OpenFindingIdAsync("VPN01", "sstp.binding-mismatch")).ShouldBeNull("the rule is suppressed on VPN01");
        (await d.OpenFindingIdAsync("VPN02", "sstp.binding-mismatch")).ShouldNotBeNull("only VPN01 is suppressed");
        var active = await d.OnCall.GetFromJsonAsync<JsonElement>("/api/v1/suppressions", Ct);
        var row = active.EnumerateArray().ShouldHaveSingleItem();
        row.GetProperty("serverName").GetString().ShouldBe("VPN01");
        row.GetProperty("reason").GetString().ShouldBe("IIS test site until Friday");
        row.GetProperty("state").GetString().ShouldBe("active");

        var lifted = await OkJsonAsync(await d.PostJsonAsync(d.Admin, $"/api/v1/suppressions/{created.GetProperty("id").GetGuid()}/lift", new { }));
        lifted.GetProperty("state").GetString().ShouldBe("lifted");
        d.Time.Advance(TimeSpan.FromMinutes(1));
        await d.EvaluateAsync();

        (await d.OpenFindingIdAsync("VPN01", "sstp.binding-mismatch")).ShouldNotBeNull("lifted: the rule opens findings again");
        (await d.OnCall.GetFromJsonAsync<JsonElement>("/api/v1/suppressions", Ct)).GetArrayLength().ShouldBe(0);
        (await d.OnCall.GetFromJsonAsync<JsonElement>("/api/v1/suppressions?state=all", Ct)).GetArrayLength().ShouldBe(1);
        var audit = await d.AuditAsync("diagnostic-suppression.");
        audit.Select(a => a.Action).ShouldBe(["diagnostic-suppression.created", "diagnostic-suppression.lifted"]);
        audit[0].Summary.ShouldContain("IIS test site until Friday");
        audit[0].Summary.ShouldContain("VPN01");
        audit.ShouldAllBe(a => a.ActorUserId == d.AdminUser.Id);
    }

    [Fact]
    public async Task SuppressingARuleWithAnOpenFinding_ShowsItSuppressed_AndTheDashboardDoesNotCountIt_UntilItExpires()
    {
        await using var d = await StartAsync();
        var (_, id) = await d.BrokenServerAsync();
        var before = await OverviewAsync(d);
        before.Critical.ShouldBeGreaterThan(0);

        await OkJsonAsync(
            await d.PostJsonAsync(d.Admin, "/api/v1/suppressions", new { server = "VPN01", rule = "sstp.binding-mismatch", reason = "known", expiresAt = d.Time.GetUtcNow().AddHours(2) }),
            HttpStatusCode.Created);

        var finding = (await d.OnCall.GetFromJsonAsync<JsonElement>("/api/v1/findings?rule=sstp.binding-mismatch", Ct)).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        finding.GetProperty("id").GetGuid().ShouldBe(id, "an open finding stays open");
        finding.GetProperty("suppressed").GetProperty("reason").GetString().ShouldBe("known");
        var during = await OverviewAsync(d);
        during.Critical.ShouldBe(before.Critical - 1);
        during.Suppressed.ShouldBe(1);
        during.WorstFirst.ShouldNotContain(w => w.Id == id);

        d.Time.Advance(TimeSpan.FromHours(3));
        var after = await OverviewAsync(d);
        after.Critical.ShouldBe(before.Critical, "an expired suppression no longer hides the finding");
        after.Suppressed.ShouldBe(0);
    }

    [Theory]
    [InlineData("", "sstp.binding-mismatch", "reason", 1, "Give a reason", "server")]
    [InlineData("VPN99", "sstp.binding-mismatch", "reason", 1, "There is no server 'VPN99'", "server")]
    [InlineData("VPN01", "sstp.no-such-rule", "reason", 1, "There is no rule 'sstp.no-such-rule'", "rule")]
    [InlineData("VPN01", "sstp.binding-mismatch", "", 1, "Give a reason", "reason")]
    [InlineData("VPN01", "sstp.binding-mismatch", "reason", -1, "in the past", "expiresAt")]
    [InlineData("VPN01", "sstp.binding-mismatch", "reason", 366, "at most 365 days", "expiresAt")]
    public async Task Suppress_BadInput_Is400WithTheReason_AndWritesNothing(string server, string rule, string reason, int days, string says, string field)
    {
        var d = await shared.ForTheoryAsync(async s =>
        {
            var d = s.Own(await StartAsync());
            await d.BrokenServerAsync();
            return d;
        });
        var before = await d.Portal.CountRowsWhenSettledAsync();

        using var response = await d.PostJsonAsync(d.Admin, "/api/v1/suppressions", new
        {
            server = server.Length == 0 ? null : server,
            rule,
            reason = reason.Length == 0 && server.Length == 0 ? "reason" : reason,
            expiresAt = d.Time.GetUtcNow().AddDays(days),
        });

        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        body.ShouldContain(server.Length == 0 ? "Name the server" : says);
        ErrorFields(body).ShouldBe([field], "the error is under the field as the request names it");
        (await d.Portal.CountRowsAsync()).ShouldEqual(before, "a refused suppression writes nothing");
    }

    [Fact]
    public async Task Suppress_TwiceForOneServerAndRule_Is409_AndLiftingTwiceIs409_NeitherWrites()
    {
        await using var d = await StartAsync();
        await d.BrokenServerAsync();
        var body = new { server = "VPN01", rule = "sstp.binding-mismatch", reason = "known", expiresAt = d.Time.GetUtcNow().AddDays(1) };
        var created = await OkJsonAsync(await d.PostJsonAsync(d.Admin, "/api/v1/suppressions", body), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        await OkJsonAsync(await d.PostJsonAsync(d.Admin, $"/api/v1/suppressions/{id}/lift", new { }));
        var before = await d.Portal.CountRowsWhenSettledAsync();
        var audited = (await d.AuditAsync("diagnostic-suppression.")).Count;

        using var liftAgain = await d.PostJsonAsync(d.Admin, $"/api/v1/suppressions/{id}/lift", new { });
        using var liftUnknown = await d.PostJsonAsync(d.Admin, $"/api/v1/suppressions/{Guid.NewGuid()}/lift", new { });
        await OkJsonAsync(await d.PostJsonAsync(d.Admin, "/api/v1/suppressions", body), HttpStatusCode.Created);
        var afterSecond = await d.Portal.CountRowsAsync();
        using var twice = await d.PostJsonAsync(d.Admin, "/api/v1/suppressions", body);
        using var onCall = await d.PostJsonAsync(d.OnCall, "/api/v1/suppressions", body);

        liftAgain.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await liftAgain.Content.ReadAsStringAsync(Ct)).ShouldContain("already lifted");
        liftUnknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        twice.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await twice.Content.ReadAsStringAsync(Ct)).ShouldContain("already suppressed on VPN01");
        onCall.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await d.Portal.CountRowsAsync()).ShouldEqual(afterSecond, "refusals write nothing");
        afterSecond["DiagnosticSuppressions"].ShouldBe(before["DiagnosticSuppressions"] + 1, "only the accepted second suppression was written");
        (await d.AuditAsync("diagnostic-suppression.")).Count.ShouldBe(audited + 1);
    }

    /// <summary>The fields a validation problem names, as the client sent them.</summary>
    private static List<string> ErrorFields(string problem)
    {
        using var json = JsonDocument.Parse(problem);
        return json.RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
    }

    private static Task<GetFindingsOverview.Overview> OverviewAsync(DiagnosticsPortal d) =>
        d.Portal.InScopeAsync(sp => ActivatorUtilities.CreateInstance<GetFindingsOverview>(sp).RunAsync(Ct));
}
