using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VpnPortal.Agent.Runtime;
using VpnPortal.Agent.Simulation;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Components.Grids;
using VpnPortal.Web.Features.Dashboard;
using VpnPortal.Web.Features.Diagnostics;
using VpnPortal.Web.Features.Sessions;

namespace VpnPortal.Bench;

/// <summary>
/// A big fleet's read side: 500 RRAS servers whose agents reported 200,000 live sessions (through the portal's own
/// snapshot apply, with the churn the simulator makes, so ended sessions are in the table too) and a day of connection
/// samples. Timed one request after another: the dashboard page, the fleet sessions page, the data its grid asks for
/// (the first page, filters, sorts) and the sessions API, each beside serving a static file from the same portal.
/// </summary>
internal static partial class DashboardBenchmark
{
    private const string Email = "bench-admin@corp.example";
    private const string Password = "Bench-admin-password-1";

    public static async Task<int> RunAsync(string[] args)
    {
        var servers = Options.Int(args, "servers", 500);
        var sessions = Options.Int(args, "sessions", 200_000);
        var runs = Options.Int(args, "runs", 100);
        await ScratchPostgres.RunAsync(Options.String(args, "postgres"), connection => RunAsync(servers, sessions, runs, connection));
        return 0;
    }

    private static async Task RunAsync(int servers, int sessions, int runs, string? postgres)
    {
        var perServer = Math.Max(1, sessions / servers);
        Console.WriteLine($"Dashboard and sessions: {servers} RRAS servers x {perServer} live sessions, on {(postgres is null ? "SQLite" : "PostgreSQL")}, {runs} requests each");
        await using var portal = await InProcessPortal.StartOnAsync(postgres, "--Jobs:Enabled=false", "--Authentication:Cookies:SecurePolicy=SameAsRequest");
        var fill = Stopwatch.StartNew();
        var names = await FillAsync(portal, servers, perServer);
        Console.WriteLine($"  filled in {fill.Elapsed.TotalSeconds:F0} s: {names.Live:N0} live sessions, {names.Ended:N0} ended, {names.Samples:N0} connection samples");

        await portal.AdminAsync("create-user", "--email", Email, "--password", Password, "--role", "Admin");
        var key = await portal.AdminAsync("create-api-key", "--email", Email, "--name", "bench");
        using var browser = await SignInAsync(portal.Url);
        using var api = new HttpClient { BaseAddress = portal.Url };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var user = Uri.EscapeDataString(names.SomeUser);
        var server = Uri.EscapeDataString(names.SomeServer);
        var measured = new List<(string What, List<double> Times)>
        {
            ("static file (css/site.css)", await TimeAsync(runs, () => GetAsync(browser, "css/site.css"))),
            ("dashboard page (/)", await TimeAsync(runs, () => GetAsync(browser, ""))),
            ("sessions page (/sessions)", await TimeAsync(runs, () => GetAsync(browser, "sessions"))),
            ("sessions page, one user (/sessions?user=)", await TimeAsync(runs, () => GetAsync(browser, $"sessions?user={user}"))),
        };

        // What the dashboard page asks for, one handler at a time, as the page runs them.
        foreach (var (what, part) in new (string What, Func<IServiceProvider, Task> Part)[]
        {
            ("dashboard part: summary", s => s.GetRequiredService<GetDashboard>().RunAsync(new(IncludeAudit: true))),
            ("dashboard part: activity and chart (6 h)", s => s.GetRequiredService<GetFleetActivity>().RunAsync(ChartRange.SixHours)),
            ("dashboard part: findings", s => s.GetRequiredService<GetFindingsOverview>().RunAsync()),
        })
        {
            measured.Add((what, await TimeAsync(runs, async () =>
            {
                await using var scope = portal.App.Services.CreateAsyncScope();
                await part(scope.ServiceProvider);
            })));
        }

        // The sessions grid loads its rows over the page's circuit: ListLiveSessions.PageAsync, as the page calls it.
        var grid = new (string What, ListLiveSessions.Filter Filter, SortBy[] Sorts)[]
        {
            ("grid: first page", new(), []),
            ("grid: search a user", new(Search: names.SomeUser), []),
            ("grid: search an address's first three parts", new(Search: names.SomeNetwork), []),
            ("grid: one server", new(Server: names.SomeServerId.ToString()), []),
            ("grid: sort by user", new(), [new("UserName", false)]),
            ("grid: sort by bytes in, descending", new(), [new("BytesIn", true)]),
            ("grid: one server, sort by user", new(Server: names.SomeServerId.ToString()), [new("UserName", false)]),
        };
        foreach (var (what, filter, sorts) in grid)
        {
            measured.Add((what, await TimeAsync(runs, async () =>
            {
                await using var scope = portal.App.Services.CreateAsyncScope();
                var page = await scope.ServiceProvider.GetRequiredService<ListLiveSessions>().PageAsync(filter, new TableRequest(0, 25, sorts));
                if (page.Items.Count == 0)
                {
                    throw new InvalidOperationException($"{what} found no session");
                }
            })));
        }

        foreach (var (what, query) in new[]
        {
            ("API: first 100", "take=100"),
            ("API: search a user", $"search={user}"),
            ("API: one server by name", $"server={server}&take=100"),
            ("API: sort by user", "sort=UserName&take=100"),
            ("API: protocol, sort by last traffic", "protocol=sstp&sort=-LastSeenAt&take=100"),
        })
        {
            measured.Add((what, await TimeAsync(runs, () => GetAsync(api, "api/v1/sessions?" + query))));
        }

        var reference = Options.Percentile(measured[0].Times, 0.95);
        Console.WriteLine($"  {"",-46} {"p50",8} {"p95",8} {"max",8}   p95 / static file's");
        foreach (var (what, times) in measured)
        {
            times.Sort();
            var p95 = Options.Percentile(times, 0.95);
            Console.WriteLine($"  {what,-46} {Options.Percentile(times, 0.5),6:F1}ms {p95,6:F1}ms {times[^1],6:F1}ms   {p95 / reference,6:F1}x{(p95 >= 50 ? "   over 50 ms" : "")}");
        }
    }

    private sealed record Filled(int Live, int Ended, int Samples, string SomeUser, string SomeServer, Guid SomeServerId, string SomeNetwork);

    /// <summary>
    /// A report from each server through the portal's snapshot apply, and as many sessions again ended in the last 30
    /// days (the history the portal keeps). Then a day of five-minute samples per server for the dashboard's chart.
    /// </summary>
    private static async Task<Filled> FillAsync(InProcessPortal portal, int servers, int perServer)
    {
        using var http = AgentHttp.CreateClient();
        var fleet = await portal.EnrollFleetAsync(http, servers, new SimulationOptions { Seed = 11, TargetSessions = perServer });
        var ids = await portal.AgentsAsync();
        var history = new Random(7);
        foreach (var server in fleet.RrasServers)
        {
            var serverId = ids[server.MachineName].Server;
            await portal.ApplyAsync(ids[server.MachineName], await InProcessPortal.SnapshotAsync(server, 1));

            // The server's history: as many sessions again, ended within the retention (30 days).
            await using (var scope = portal.App.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
                var ended = await db.VpnSessions.AsNoTracking().Where(v => v.RrasServerId == serverId).ToListAsync();
                foreach (var session in ended)
                {
                    session.Id = Guid.NewGuid();
                    session.SessionKey = "ended-" + session.SessionKey;
                }

                await SessionWrites.InsertAsync(db, ended, CancellationToken.None);
                var endedAt = DateTimeOffset.UtcNow.AddDays(-history.NextDouble() * 29);
                await db.VpnSessions.Where(v => v.RrasServerId == serverId && v.EndedAt == null && v.SessionKey.StartsWith("ended-"))
                    .ExecuteUpdateAsync(v => v.SetProperty(x => x.EndedAt, endedAt));
            }
        }

        await using (var scope = portal.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var now = ConnectionSample.BucketOf(DateTimeOffset.UtcNow);
            var serverIds = ids.Values.Select(v => v.Server).ToList();
            var random = new Random(5);
            var reported = (await db.ConnectionSamples.Select(s => new { s.ServerId, s.BucketStart }).ToListAsync())
                .Select(s => (s.ServerId, s.BucketStart)).ToHashSet();
            var samples = reported.Count;
            for (var bucket = 0; bucket < 24 * 60 / ConnectionSample.BucketMinutes; bucket++)
            {
                foreach (var id in serverIds.Where(id => !reported.Contains((id, now.AddMinutes(-bucket * ConnectionSample.BucketMinutes)))))
                {
                    var count = random.Next(perServer / 2, perServer + 1);
                    db.ConnectionSamples.Add(new ConnectionSample
                    {
                        ServerId = id,
                        BucketStart = now.AddMinutes(-bucket * ConnectionSample.BucketMinutes),
                        Sessions = count,
                        UniqueUsers = count * 9 / 10,
                        SstpSessions = count / 2,
                        Ikev2Sessions = count / 3,
                        DeviceTunnels = count / 5,
                        BytesIn = count * 1_000_000L,
                        BytesOut = count * 3_000_000L,
                    });
                    samples++;
                }

                if (bucket % 20 == 0)
                {
                    await db.SaveChangesAsync();
                    db.ChangeTracker.Clear();
                }
            }

            await db.SaveChangesAsync();

            // What the portal's hourly history job does after pruning; on SQLite, the planner's statistics.
            await PlannerStatistics.RefreshAsync(db, CancellationToken.None);
            var live = await db.VpnSessions.CountAsync(s => s.EndedAt == null);
            var ended = await db.VpnSessions.CountAsync(s => s.EndedAt != null);
            var some = await db.VpnSessions.AsNoTracking().Where(s => s.EndedAt == null && !s.IsDeviceTunnel).OrderBy(s => s.Id)
                .Select(s => new { s.UserName, Server = s.RrasServer!.Name, s.RrasServerId, s.ClientExternalAddress }).FirstAsync();
            return new Filled(live, ended, samples, some.UserName, some.Server, some.RrasServerId, string.Join('.', some.ClientExternalAddress!.Split('.')[..3]));
        }
    }

    private static async Task<List<double>> TimeAsync(int runs, Func<Task> request)
    {
        for (var i = 0; i < Math.Max(3, runs / 10); i++)
        {
            await request(); // warm-up: the JIT, the query cache, the database's pages
        }

        var times = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await request();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return times;
    }

    private static async Task GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK || body.Length == 0)
        {
            throw new InvalidOperationException($"GET /{path} answered {(int)response.StatusCode} with {body.Length} bytes");
        }
    }

    /// <summary>A client holding an admin's sign-in cookie, from the real sign-in form (antiforgery token included).</summary>
    private static async Task<HttpClient> SignInAsync(Uri portal)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = portal };
        var page = await http.GetStringAsync("account/sign-in");
        var fields = HiddenInput().Matches(page)
            .Select(m => (Name: NameAttribute().Match(m.Value), Value: ValueAttribute().Match(m.Value)))
            .Where(f => f.Name.Success)
            .ToDictionary(f => WebUtility.HtmlDecode(f.Name.Groups[1].Value), f => WebUtility.HtmlDecode(f.Value.Groups[1].Value));
        fields["Input.Email"] = Email;
        fields["Input.Password"] = Password;
        using var response = await http.PostAsync("account/sign-in", new FormUrlEncodedContent(fields));
        if (response.StatusCode != HttpStatusCode.Redirect || !cookies.GetCookies(portal).Any(c => c.Name == "VpnPortal.Auth"))
        {
            throw new InvalidOperationException($"Signing in answered {(int)response.StatusCode} without the sign-in cookie");
        }

        return http;
    }

    [GeneratedRegex("""<input[^>]*type="hidden"[^>]*>""")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("\\sname=\"([^\"]*)\"")]
    private static partial Regex NameAttribute();

    [GeneratedRegex("\\svalue=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();
}
