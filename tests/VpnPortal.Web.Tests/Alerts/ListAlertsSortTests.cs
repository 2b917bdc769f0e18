using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Features.Alerts;
using Xunit;

namespace VpnPortal.Web.Tests.Alerts;

/// <summary>The alerts table orders by its columns in the database, before paging, on every provider.</summary>
public sealed class ListAlertsSortTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static readonly DateTimeOffset Now = TestClock.Start;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Alert Alert(string title, AlertState state, int severity, double expiresInDays, double openedHoursAgo) => new()
    {
        Id = Guid.NewGuid(),
        Kind = AlertKind.CertificateExpiry,
        Key = $"cert:{title}",
        OpenKey = state == AlertState.Resolved ? null : $"cert:{title}",
        Sha1Thumbprint = "A1B2C3D4E5F60718293A4B5C6D7E8F9011223344",
        Title = title,
        Subject = $"CN={title}",
        NotAfter = Now.AddDays(expiresInDays),
        Purposes = ["Sstp"],
        InstalledOn = [new AlertInstallation { ServerName = "RRAS-01", Store = "My", Purposes = ["Sstp"] }],
        Severity = severity,
        StepDays = 3,
        State = state,
        OpenedAt = Now.AddHours(-openedHoursAgo),
        LastEvaluatedAt = Now,
        ResolvedAt = state == AlertState.Resolved ? Now : null,
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Sorts_OrderTheFilteredAlertsInTheDatabase_AndWithoutOneOpenAndWorstComeFirst(string provider)
    {
        await using var database = await TestDatabase.CreateMigratedAsync(provider);
        await using (var db = database.CreateContext())
        {
            db.Alerts.AddRange(
                Alert("b.corp.example", AlertState.Firing, 2, 10, 5),
                Alert("a.corp.example", AlertState.Firing, 3, 3, 1),
                Alert("d.corp.example", AlertState.Resolved, 4, -1, 48),
                Alert("c.corp.example", AlertState.Firing, 1, 30, 2));
            await db.SaveChangesAsync(Ct);
        }

        await using var read = database.CreateContext();
        var list = new ListAlerts(read);

        (await list.RunAsync(new("all"), Ct)).Items.Select(a => a.Title).ShouldBe(["a.corp.example", "b.corp.example", "c.corp.example", "d.corp.example"]);
        (await list.RunAsync(new("all", Sorts: [new SortBy("Title", true)]), Ct)).Items.Select(a => a.Title)
            .ShouldBe(["d.corp.example", "c.corp.example", "b.corp.example", "a.corp.example"]);
        var byExpirySecondPage = await list.RunAsync(new("open", Skip: 1, Take: 1, Sorts: [new SortBy("NotAfter", false)]), Ct);
        byExpirySecondPage.Items.Select(a => a.Title).ShouldBe(["b.corp.example"]);
        byExpirySecondPage.Total.ShouldBe(3);
        (await list.RunAsync(new("all", Sorts: [new SortBy("OpenedAt", false)]), Ct)).Items.Select(a => a.Title)
            .ShouldBe(["d.corp.example", "b.corp.example", "c.corp.example", "a.corp.example"]);
    }
}
