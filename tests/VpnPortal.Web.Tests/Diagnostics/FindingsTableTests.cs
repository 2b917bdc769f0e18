using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Features.Diagnostics;
using VpnPortal.Web.Tests.Features;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Diagnostics;

/// <summary>The findings history as a table (ordered by a column, a page at a time, in the database) and its CSV export.</summary>
public sealed class FindingsTableTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Four findings on two servers: two open (one critical), one acknowledged, one resolved.</summary>
    private static async Task SeedAsync(TestDatabase database, DateTimeOffset now)
    {
        await using var db = database.CreateContext();
        var fleet = new FleetBuilder(db, now);
        var vpn1 = fleet.Rras("VPN01");
        var vpn2 = fleet.Rras("VPN02");
        db.DiagnosticFindings.AddRange(
            Finding(vpn1, "sstp.binding-mismatch", 3, "SSTP binding differs", now.AddHours(-5)),
            Finding(vpn2, "nps.eap-name", 2, "EAP server name not trusted", now.AddHours(-1)),
            Finding(vpn2, "rras.ikev2-crl", 1, "CRL check off", now.AddHours(-3), f => (f.AcknowledgedAt, f.AcknowledgedBy, f.AcknowledgeReason) = (now.AddHours(-2), "ana@corp.example", "known, CHG-1")),
            Finding(vpn1, "sstp.old-cert", 2, "Old certificate bound", now.AddDays(-3), f => f.ResolvedAt = now.AddDays(-2)));
        await db.SaveChangesAsync(Ct);
    }

    private static DiagnosticFinding Finding(ManagedServer server, string rule, int severity, string title, DateTimeOffset opened, Action<DiagnosticFinding>? configure = null)
    {
        var f = new DiagnosticFinding
        {
            Id = Guid.NewGuid(),
            ServerId = server.Id,
            RuleId = rule,
            Severity = severity,
            Title = title,
            Summary = $"{title}: what users see.",
            OpenedAt = opened,
            LastSeenAt = opened.AddMinutes(30),
        };
        configure?.Invoke(f);
        return f;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_SortedByAColumn_OrdersInTheDatabaseBeforePaging(string provider)
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var database = await TestDatabase.CreateMigratedAsync(provider);
        await SeedAsync(database, time.GetUtcNow());
        await using var db = database.CreateContext();
        var list = new ListFindings(db, time);

        var byDefault = await list.RunAsync(new(State: "all"), Ct);
        var byServerThenTitle = await list.RunAsync(new(State: "all", Sorts: [new SortBy("ServerName", true), new SortBy("Title", false)]), Ct);
        var openedSecondPage = await list.RunAsync(new(State: "all", Skip: 1, Take: 2, Sorts: [new SortBy("OpenedAt", false)]), Ct);

        byDefault.Items.Select(f => f.Title).ShouldBe(["SSTP binding differs", "EAP server name not trusted", "CRL check off", "Old certificate bound"]);
        byServerThenTitle.Items.Select(f => f.Title).ShouldBe(["CRL check off", "EAP server name not trusted", "Old certificate bound", "SSTP binding differs"]);
        openedSecondPage.Items.Select(f => f.Title).ShouldBe(["SSTP binding differs", "CRL check off"]);
        openedSecondPage.Total.ShouldBe(4);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Export_AsOnCall_WritesTheFilteredFindingsInTheTablesOrder(string provider)
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(provider, time);
        var now = time.GetUtcNow();
        await SeedAsync(portal.Database, now);
        var onCall = await portal.CreateUserAsync(Roles.OnCall);
        using var browser = await portal.SignInAsync(onCall);

        using var response = await browser.GetAsync("/export/findings.csv?server=vpn02&state=all&sort=-Severity");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.FileName.ShouldBe($"findings-{now.UtcDateTime:yyyy-MM-dd}.csv");
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        bytes.Take(3).ShouldBe(Encoding.UTF8.GetPreamble());
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        static string Utc(DateTimeOffset t) => CsvFile.Time(t);
        lines.ShouldBe([
            "Severity,Finding,Rule,Servers,Opened (UTC),Last seen (UTC),Resolved (UTC),Acknowledged by,Acknowledged (UTC),Acknowledgement reason,Suppressed until (UTC),Summary",
            $"warning,EAP server name not trusted,nps.eap-name,VPN02,{Utc(now.AddHours(-1))},{Utc(now.AddHours(-0.5))},,,,,,EAP server name not trusted: what users see.",
            $"info,CRL check off,rras.ikev2-crl,VPN02,{Utc(now.AddHours(-3))},{Utc(now.AddHours(-2.5))},,ana@corp.example,{Utc(now.AddHours(-2))},\"known, CHG-1\",,CRL check off: what users see.",
        ]);
    }

    [Fact]
    public async Task Export_OpenByDefault_AndAnUnknownServerIsRefusedWithTheReason()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(time: time);
        await SeedAsync(portal.Database, time.GetUtcNow());
        var admin = await portal.CreateUserAsync(Roles.Admin);
        using var browser = await portal.SignInAsync(admin);

        using var open = await browser.GetAsync("/export/findings.csv");
        using var unknown = await browser.GetAsync("/export/findings.csv?server=VPN99");

        (await open.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[2])
            .ShouldBe(["sstp.binding-mismatch", "nps.eap-name", "rras.ikev2-crl"]);
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadAsStringAsync(Ct)).ShouldContain("There is no server 'VPN99'.");
    }

    [Fact]
    public async Task Export_AsAUserWithoutAFleetRole_IsRefused()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(time: time);
        await SeedAsync(portal.Database, time.GetUtcNow());
        var user = await portal.CreateUserAsync(Roles.User);
        using var browser = await portal.SignInAsync(user);

        using var response = await browser.GetAsync("/export/findings.csv");

        (response.StatusCode == HttpStatusCode.Forbidden || response.Headers.Location?.OriginalString.Contains("/account/access-denied") == true)
            .ShouldBeTrue($"got {(int)response.StatusCode} {response.Headers.Location}");
        (await response.Content.ReadAsStringAsync(Ct)).ShouldNotContain("SSTP binding");
    }
}
