using System.Net;
using System.Text;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Audit;

/// <summary>/export/audit.csv: what the audit page's filter shows, in its order, for admins only.</summary>
public sealed class AuditExportTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task SeedAsync(PortalFactory portal)
    {
        await using var db = portal.Database.CreateContext();
        db.AuditEntries.AddRange(
            Entry(Day.AddHours(9), "ana@corp.example", "rras-server.created", "Created RRAS server VPN01", before: null, after: """{"Name":"VPN01"}"""),
            Entry(Day.AddHours(10), "ana@corp.example", "rras-server.updated", "=HYPERLINK(\"http://evil\"), renamed VPN02", before: """{"Name":"VPN01"}""", after: """{"Name":"VPN02"}"""),
            Entry(Day.AddDays(1), "bo@corp.example", "nps-server.created", "Created NPS server NPS01", before: null, after: null));
        await db.SaveChangesAsync(Ct);
    }

    private static AuditEntry Entry(DateTimeOffset at, string actor, string action, string summary, string? before, string? after) => new()
    {
        OccurredAt = at,
        Actor = actor,
        Action = action,
        EntityType = action[..action.IndexOf('.')],
        EntityId = "s1",
        Summary = summary,
        RemoteAddress = "192.0.2.10",
        BeforeJson = before,
        AfterJson = after,
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Export_AsAdmin_WritesTheFilteredEntriesInTheTablesOrder(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        await SeedAsync(portal);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        using var browser = await portal.SignInAsync(admin);

        using var response = await browser.GetAsync("/export/audit.csv?action=rras-server.&from=2026-11-20&to=2026-11-20&sort=OccurredAt");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.FileName.ShouldStartWith("audit-log-");
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        bytes.Take(3).ShouldBe(Encoding.UTF8.GetPreamble());
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldBe([
            "Time (UTC),Actor,Actor user id,From address,Action,Entity type,Entity id,Summary,Before,After",
            "2026-11-20T09:00:00Z,ana@corp.example,,192.0.2.10,rras-server.created,rras-server,s1,Created RRAS server VPN01,,\"{\"\"Name\"\":\"\"VPN01\"\"}\"",
            "2026-11-20T10:00:00Z,ana@corp.example,,192.0.2.10,rras-server.updated,rras-server,s1,\"'=HYPERLINK(\"\"http://evil\"\"), renamed VPN02\",\"{\"\"Name\"\":\"\"VPN01\"\"}\",\"{\"\"Name\"\":\"\"VPN02\"\"}\"",
        ]);
    }

    [Fact]
    public async Task Export_SortedDescending_FollowsTheSortInTheAddress()
    {
        await using var portal = await PortalFactory.StartAsync();
        await SeedAsync(portal);
        var admin = await portal.CreateUserAsync(Roles.Admin);
        using var browser = await portal.SignInAsync(admin);

        using var response = await browser.GetAsync("/export/audit.csv?entityId=s1&sort=-Action");

        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.Skip(1).Select(l => l.Split(',')[4]).ShouldBe(["rras-server.updated", "rras-server.created", "nps-server.created"]);
    }

    [Fact]
    public async Task Export_WithTheRangeBackwards_IsRefusedWithTheReason()
    {
        await using var portal = await PortalFactory.StartAsync();
        var admin = await portal.CreateUserAsync(Roles.Admin);
        using var browser = await portal.SignInAsync(admin);

        using var response = await browser.GetAsync("/export/audit.csv?from=2026-11-23&to=2026-11-21");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("The start of the date range must be before its end.");
    }

    [Fact]
    public async Task Export_AsOnCall_IsRefusedWithoutTheLog()
    {
        await using var portal = await PortalFactory.StartAsync();
        await SeedAsync(portal);
        var onCall = await portal.CreateUserAsync(Roles.OnCall);
        using var browser = await portal.SignInAsync(onCall);

        using var response = await browser.GetAsync("/export/audit.csv");

        var body = await response.Content.ReadAsStringAsync(Ct);
        (response.StatusCode == HttpStatusCode.Forbidden || response.Headers.Location?.OriginalString.Contains("/account/access-denied") == true)
            .ShouldBeTrue($"got {(int)response.StatusCode} {response.Headers.Location}");
        body.ShouldNotContain("VPN01");
    }
}
