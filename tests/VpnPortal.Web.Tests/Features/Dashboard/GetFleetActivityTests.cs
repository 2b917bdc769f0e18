using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Dashboard;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Dashboard;

public sealed class GetFleetActivityTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 9, 2, 0, TimeSpan.Zero));
    private TestDatabase _db = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _clock.GetUtcNow();

    public static TheoryData<string> Providers => DatabaseProviders.All;

    public async ValueTask DisposeAsync()
    {
        // Null when the provider is unavailable and the test was skipped before creating it.
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Now_CountsOnlineOutOfEnrolled_LiveSessions_AndDistinctUsersWithoutDevices(string provider)
    {
        _db = await TestDatabase.CreateMigratedAsync(provider);
        await SeedAsync(f =>
        {
            var vpn1 = f.Rras("VPN01");
            var vpn2 = f.Rras("VPN02");
            f.AgentFor(vpn1, lastSeen: Now.AddSeconds(-10));
            f.AgentFor(vpn2, lastSeen: Now.AddMinutes(-5));
            f.AgentFor(f.Nps("NPS01"), lastSeen: Now.AddSeconds(-10), revokedAt: Now.AddMinutes(-1));
            f.Rras("VPN03");
            f.Session(vpn1, "ana@corp.example");
            f.Session(vpn2, "ANA@corp.example");
            f.Session(vpn2, "bob@corp.example");
            f.Session(vpn2, "lt-042.corp.example", device: true);
            f.Session(vpn1, "cy@corp.example", ended: true);
        });

        var a = await RunAsync(ChartRange.SixHours);

        (a.ServersOnline, a.ServersEnrolled).ShouldBe((1, 2), "a revoked agent is not enrolled, a server entered by hand has none");
        a.SessionsNow.ShouldBe(4);
        a.UsersNow.ShouldBe(2, "ana counts once whatever the case; the device tunnel is a machine");
        a.History.ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task History_SumsServersPerBucket_KeepsTheRange_AndTakesThePeakPerPoint(string provider)
    {
        _db = await TestDatabase.CreateMigratedAsync(provider);
        Guid vpn1 = default, vpn2 = default;
        await SeedAsync(f => (vpn1, vpn2) = (f.Rras("VPN01").Id, f.Rras("VPN02").Id));
        var bucket = ConnectionSample.BucketOf(Now);
        await using (var ctx = _db.CreateContext())
        {
            ctx.ConnectionSamples.AddRange(
                Sample(vpn1, bucket, 10), Sample(vpn2, bucket, 5),
                Sample(vpn1, bucket.AddMinutes(-5), 7),
                Sample(vpn1, bucket.AddMinutes(-10), 20), Sample(vpn2, bucket.AddMinutes(-10), 1),
                Sample(vpn1, bucket.AddHours(-7), 99));
            await ctx.SaveChangesAsync(Ct);
        }

        var sixHours = await RunAsync(ChartRange.SixHours);
        var day = await RunAsync(ChartRange.Day);

        sixHours.History.Select(p => (p.At, p.Sessions)).ShouldBe([
            (bucket.AddMinutes(-10).UtcDateTime, 21), (bucket.AddMinutes(-5).UtcDateTime, 7), (bucket.UtcDateTime, 15)]);
        // Fifteen-minute points: 09:00 holds the 09:00 bucket only; 08:45 holds 08:50 and 08:55, the higher of the two.
        day.History.Select(p => (p.At.ToString("HH:mm"), p.Sessions)).ShouldBe([("02:00", 99), ("08:45", 21), ("09:00", 15)]);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Series_SpanTheWholeRange_ByServerAndByProtocol(string provider)
    {
        _db = await TestDatabase.CreateMigratedAsync(provider);
        var ids = new List<Guid>();
        await SeedAsync(f => ids.AddRange(Enumerable.Range(1, GetFleetActivity.MaxServerLines + 2).Select(i => f.Rras($"VPN{i:00}").Id)));
        var bucket = ConnectionSample.BucketOf(Now);
        await using (var ctx = _db.CreateContext())
        {
            // VPN01 the busiest ... VPN08 the quietest; the two quietest are summed as "Other servers".
            ctx.ConnectionSamples.AddRange(ids.Select((id, i) => Sample(id, bucket, 100 - i, sstp: 60 - i, ikev2: 30)));
            ctx.ConnectionSamples.Add(Sample(ids[0], bucket.AddDays(-3), 40, sstp: 40, ikev2: 0));
            await ctx.SaveChangesAsync(Ct);
        }

        var total = await RunAsync(ChartRange.SixHours);
        var total6h = total.Series.ShouldHaveSingleItem();
        total6h.Name.ShouldBe("All servers");
        total6h.Points.Count.ShouldBe(73, "03:00 to 09:00 every 5 minutes: the axis is the range, not the reports");
        total6h.Points[0].At.ShouldBe(new DateTime(2026, 11, 22, 3, 0, 0, DateTimeKind.Utc));
        total6h.Points[^1].Sessions.ShouldBe(Enumerable.Range(0, 8).Sum(i => 100 - i));
        total6h.Points.SkipLast(1).ShouldAllBe(p => p.Sessions == 0);

        var week = await RunAsync(ChartRange.Week, ChartBreakdown.Server);
        week.Series.Select(l => l.Name).ShouldBe(["VPN01", "VPN02", "VPN03", "VPN04", "VPN05", "VPN06", "Other servers"]);
        week.Series.ShouldAllBe(l => l.Points.Count == 169);
        week.Series[0].Points.Max(p => p.Sessions).ShouldBe(100);
        week.Series[0].Points.Count(p => p.Sessions > 0).ShouldBe(2, "three days ago and now");
        week.Series[^1].Points[^1].Sessions.ShouldBe(93 + 94);

        var protocols = await RunAsync(ChartRange.Day, ChartBreakdown.Protocol);
        protocols.Series.Select(l => (l.Name, l.Points[^1].Sessions)).ShouldBe([("SSTP", Enumerable.Range(0, 8).Sum(i => 60 - i)), ("IKEv2", 240), ("Other", 8 * 10)]);
    }

    private static ConnectionSample Sample(Guid server, DateTimeOffset bucket, int sessions, int sstp = 0, int ikev2 = 0) =>
        new() { ServerId = server, BucketStart = bucket, Sessions = sessions, UniqueUsers = sessions, SstpSessions = sstp, Ikev2Sessions = ikev2 };

    private async Task SeedAsync(Action<FleetBuilder> build)
    {
        await using var ctx = _db.CreateContext();
        var fleet = new FleetBuilder(ctx, Now);
        build(fleet);
        await fleet.SaveAsync(Ct);
    }

    private async Task<GetFleetActivity.Activity> RunAsync(ChartRange range, ChartBreakdown breakdown = ChartBreakdown.Total)
    {
        await using var ctx = _db.CreateContext();
        return await new GetFleetActivity(ctx, _clock, Options.Create(new AgentOptions())).RunAsync(range, breakdown, Ct);
    }
}
