using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Features.Certificates;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Certificates;

/// <summary>Search and filters run in SQL, where SQLite and PostgreSQL differ (case, arrays): every test runs on both.</summary>
public sealed class ListCertificatesTests
{
    private static readonly FakeTimeProvider Clock = new(TestClock.Start);
    private static readonly DateTimeOffset Now = Clock.GetUtcNow();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers => TestDatabase.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task Default_ListsSoonestExpiryFirst_AndCountsEveryFilter(string provider)
    {
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        await SeedAsync(db, f =>
        {
            f.Cert("CN=later.corp.example", 400);
            f.Cert("CN=expired.corp.example", -3);
            f.Cert("CN=soon.corp.example", 10);
            var stolen = f.Cert("CN=lt-1001.corp.example", 200, ekus: [FleetBuilder.ClientAuth]);
            f.Untrust(stolen, Guid.NewGuid());
        });

        var page = await ListAsync(db, new());

        page.Items.Select(r => r.Subject).ShouldBe(["CN=expired.corp.example", "CN=soon.corp.example", "CN=lt-1001.corp.example", "CN=later.corp.example"]);
        page.Counts.ShouldBe(new ListCertificates.FilterCounts(4, 1, 1, 1));
        page.Items.Single(r => r.IsUntrusted).Subject.ShouldBe("CN=lt-1001.corp.example");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Filters_SplitExpiredFromExpiringWithinThirtyDays(string provider)
    {
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        await SeedAsync(db, f =>
        {
            f.Cert("CN=expired-long-ago", -400);
            f.Cert("CN=expired-a-minute-ago", -1.0 / 24 / 60);
            f.Cert("CN=in-a-minute", 1.0 / 24 / 60);
            f.Cert("CN=in-29-days", 29.9);
            f.Cert("CN=in-exactly-30-days", 30);
            f.Cert("CN=in-31-days", 31);
        });

        (await ListAsync(db, new(Filter: CertificateFilter.Expired))).Items.Select(r => r.Subject).ShouldBe(["CN=expired-long-ago", "CN=expired-a-minute-ago"]);
        var expiring = await ListAsync(db, new(Filter: CertificateFilter.Expiring));
        expiring.Items.Select(r => r.Subject).ShouldBe(["CN=in-a-minute", "CN=in-29-days"]);
        expiring.Total.ShouldBe(2);
        (await ListAsync(db, new(Filter: CertificateFilter.Untrusted))).Items.ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Search_MatchesSubjectSansAndIssuer_InAnyCase(string provider)
    {
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        await SeedAsync(db, f =>
        {
            f.Cert("CN=vpn.corp.example, O=Corp", 100, sans: ["vpn.corp.example", "vpn-fr.corp.example"]);
            f.Cert("CN=Corp SSTP", 100, sans: ["sstp.corp.example"]);
            f.Cert("CN=nps01.corp.example", 100, issuer: "CN=Sectigo RSA Domain Validation Secure Server CA");
        });

        (await ListAsync(db, new("VPN-FR"))).Items.Select(r => r.Subject).ShouldBe(["CN=vpn.corp.example, O=Corp"]);
        (await ListAsync(db, new("  corp sstp "))).Items.Select(r => r.Subject).ShouldBe(["CN=Corp SSTP"]);
        (await ListAsync(db, new("sectigo"))).Items.Select(r => r.Subject).ShouldBe(["CN=nps01.corp.example"]);
        var none = await ListAsync(db, new("nothing-like-this"));
        none.Items.ShouldBeEmpty();
        none.Counts.All.ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Search_FindsAThumbprintAsPeoplePasteIt(string provider)
    {
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        Certificate target = null!;
        await SeedAsync(db, f =>
        {
            target = f.Cert("CN=target", 100, sha1: "0A1B2C3D4E5F60718293A4B5C6D7E8F901234567");
            f.Cert("CN=other", 100);
        });

        (await ListAsync(db, new("0a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5:c6:d7:e8:f9:01:23:45:67"))).Items.Single().Id.ShouldBe(target.Id);
        (await ListAsync(db, new("\u200e4e 5f 60 71"))).Items.Single().Id.ShouldBe(target.Id);
        (await ListAsync(db, new(target.Sha256Thumbprint[10..30].ToLowerInvariant()))).Items.Single().Id.ShouldBe(target.Id);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Search_AShortHexWordSuchAsCa_MatchesNamesNotEveryThumbprint(string provider)
    {
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        await SeedAsync(db, f =>
        {
            f.Cert("CN=Corp Issuing CA 01", 1000, sha1: "CA" + new string('0', 38));
            f.Cert("CN=vpn.corp.example", 100, sha1: "CACACACA" + new string('1', 32), issuer: "CN=Sectigo");
        });

        (await ListAsync(db, new("ca"))).Items.Select(r => r.Subject).ShouldBe(["CN=Corp Issuing CA 01"]);
        (await ListAsync(db, new("cacacaca"))).Items.Select(r => r.Subject).ShouldBe(["CN=vpn.corp.example"]);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Paging_KeepsTheOrderAcrossPages_AndCapsTakeAt500(string provider)
    {
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        await SeedAsync(db, f =>
        {
            for (var i = 0; i < 7; i++)
            {
                f.Cert($"CN=device-{i}", 50 + i);
            }
        });

        var first = await ListAsync(db, new(Skip: 0, Take: 5));
        var second = await ListAsync(db, new(Skip: 5, Take: 5));
        first.Items.Count.ShouldBe(5);
        second.Items.Select(r => r.Subject).ShouldBe(["CN=device-5", "CN=device-6"]);
        second.Total.ShouldBe(7);
        (await ListAsync(db, new(Take: 100_000))).Take.ShouldBe(ListCertificates.MaxTake);
        (await ListAsync(db, new(Skip: -3, Take: 0))).ShouldSatisfyAllConditions(p => p.Skip.ShouldBe(0), p => p.Take.ShouldBe(1));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ServerCount_CountsServersNotStores_AndSortsByIt(string provider)
    {
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        await SeedAsync(db, f =>
        {
            var vpn1 = f.Rras("VPN01");
            var vpn2 = f.Rras("VPN02");
            var everywhere = f.Cert("CN=everywhere", 300);
            f.InStore(everywhere, vpn1, CertificateStoreName.My, privateKey: true);
            f.InStore(everywhere, vpn1, CertificateStoreName.Root);
            f.InStore(everywhere, vpn2, CertificateStoreName.My, privateKey: true);
            var once = f.Cert("CN=once", 100);
            f.InStore(once, vpn2, CertificateStoreName.CA);
            f.Cert("CN=nowhere", 200);
        });

        var page = await ListAsync(db, new(Sort: CertificateSort.Servers, Descending: true));

        page.Items.Select(r => (r.Subject, r.ServerCount)).ShouldBe([("CN=everywhere", 2), ("CN=once", 1), ("CN=nowhere", 0)]);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Sort_BySubjectBothWays(string provider)
    {
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        await SeedAsync(db, f =>
        {
            f.Cert("CN=b", 1);
            f.Cert("CN=a", 2);
            f.Cert("CN=c", 3);
        });

        (await ListAsync(db, new(Sort: CertificateSort.Subject))).Items.Select(r => r.Subject).ShouldBe(["CN=a", "CN=b", "CN=c"]);
        (await ListAsync(db, new(Sort: CertificateSort.Subject, Descending: true))).Items.Select(r => r.Subject).ShouldBe(["CN=c", "CN=b", "CN=a"]);
        (await ListAsync(db, new(Descending: true))).Items.Select(r => r.Subject).ShouldBe(["CN=c", "CN=a", "CN=b"]);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task TableSorts_OrderByTheGridsColumnsInTurn_BeforePaging(string provider)
    {
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        await SeedAsync(db, f =>
        {
            var vpn1 = f.Rras("VPN01");
            f.InStore(f.Cert("CN=b", 10, issuer: "CN=Issuer Two"), vpn1, CertificateStoreName.My);
            f.Cert("CN=a", 20, issuer: "CN=Issuer Two");
            f.Cert("CN=c", 5, issuer: "CN=Issuer One");
            f.Cert("CN=d", 1, issuer: "CN=Issuer One");
        });

        var byIssuerThenSubjectDown = await ListAsync(db, new(Sorts: [new SortBy("Issuer", false), new SortBy("Subject", true)]));
        var byServersSecondPage = await ListAsync(db, new(Skip: 1, Take: 2, Sorts: [new SortBy("ServerCount", true), new SortBy("NotAfter", true)]));

        byIssuerThenSubjectDown.Items.Select(r => r.Subject).ShouldBe(["CN=d", "CN=c", "CN=b", "CN=a"]);
        byServersSecondPage.Items.Select(r => r.Subject).ShouldBe(["CN=a", "CN=c"]);
        byServersSecondPage.Total.ShouldBe(4);
        (await ListAsync(db, new(Sorts: [new SortBy("Sha256Thumbprint", false)]))).Items.Select(r => r.Subject).ShouldBe(["CN=d", "CN=c", "CN=b", "CN=a"]);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Stream_ReturnsEveryMatchOfTheSearchAndFilter_InTheTablesOrder(string provider)
    {
        await using var db = await TestDatabase.CreateMigratedAsync(provider);
        await SeedAsync(db, f =>
        {
            f.Cert("CN=vpn-b.corp.example", 10);
            f.Cert("CN=vpn-a.corp.example", 20);
            f.Cert("CN=vpn-old.corp.example", -1);
            f.Cert("CN=other.corp.example", 15);
        });
        await using var ctx = db.CreateContext();

        var rows = await new ListCertificates(ctx, Clock).StreamAsync(new("VPN", CertificateFilter.Expiring, Take: 1, Sorts: [new SortBy("Subject", false)])).ToListAsync(Ct);

        rows.Select(r => r.Subject).ShouldBe(["CN=vpn-a.corp.example", "CN=vpn-b.corp.example"]);
    }

    private static async Task SeedAsync(TestDatabase db, Action<FleetBuilder> build)
    {
        await using var ctx = db.CreateContext();
        build(new FleetBuilder(ctx, Now));
        await ctx.SaveChangesAsync(Ct);
    }

    private static async Task<ListCertificates.Page> ListAsync(TestDatabase db, ListCertificates.Query query)
    {
        await using var ctx = db.CreateContext();
        return await new ListCertificates(ctx, Clock).RunAsync(query, Ct);
    }
}
