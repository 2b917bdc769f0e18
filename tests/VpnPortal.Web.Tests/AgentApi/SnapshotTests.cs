using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Agent.Certificates;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.AgentApi;
using VpnPortal.Web.Features.Certificates;
using VpnPortal.Web.Features.Diagnostics;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.AgentApi;

public sealed class SnapshotTests(SharedPortals shared) : IClassFixture<SharedPortals>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Report_RrasSnapshot_StoresSessionsBindingsCertificatesAndCounters(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");

        var receipt = await agent.ReportAsync(Snapshots.Rras(
            agent,
            // Every name RRAS gave, with characters JSON escapes; a device tunnel with no host name.
            Snapshots.Session("alice@corp.example", bytesIn: 5_000) with { UserNames = ["alice@corp.example", "CORP\\alice", "zoë+vpn@corp.example"] },
            Snapshots.Session("LT-4821.corp.example", ReportedTunnelType.Ikev2, address: "10.20.0.9") with { AuthMethod = "MachineCertificate", HostName = null }));

        receipt.Applied.ShouldBeTrue();
        await using var db = portal.Database.CreateContext();
        var server = await db.RrasServers.SingleAsync(Ct);
        server.LastReportAt.ShouldNotBeNull();
        server.Sstp.ConfiguredCertificateSha1.ShouldBe(Snapshots.SstpCertificate.Thumbprint);
        server.Sstp.ListenerPort.ShouldBe(443);
        server.Counters.TotalConnections.ShouldBe(2);
        server.Ikev2FragmentationEnabled.ShouldBe(true);
        var sessions = (await db.VpnSessions.ToListAsync(Ct)).OrderBy(s => s.UserName, StringComparer.OrdinalIgnoreCase).ToList();
        sessions.Select(s => s.UserName).ShouldBe(["alice@corp.example", "LT-4821.corp.example"]);
        sessions[0].ShouldSatisfyAllConditions(
            a => a.UserNames.ShouldBe(["alice@corp.example", "CORP\\alice", "zoë+vpn@corp.example"]),
            a => a.SessionKey.ShouldBe(ApplySnapshot.SessionKeyOf(Snapshots.Session("alice@corp.example"))),
            a => (a.BytesIn, a.BytesOut).ShouldBe((5_000L, 2_000L)),
            a => a.IsDeviceTunnel.ShouldBeFalse(),
            a => a.TunnelType.ShouldBe(TunnelType.Sstp),
            a => a.HostName.ShouldStartWith("LAPTOP-"),
            a => (a.ClientExternalAddress, a.ClientInternalAddress, a.AuthMethod).ShouldBe(("203.0.113.10", "10.20.0.5", "EAP")),
            a => a.ConnectionStartTime.ShouldBe(Snapshots.SessionsStartedAt),
            a => a.FirstSeenAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5)),
            a => a.LastSeenAt.ShouldBe(a.FirstSeenAt),
            a => a.EndedAt.ShouldBeNull());
        sessions[1].IsDeviceTunnel.ShouldBeTrue();
        sessions[1].TunnelType.ShouldBe(TunnelType.Ikev2);
        sessions[1].HostName.ShouldBeNull();
        (await db.SstpBindings.Select(b => b.IpPort).OrderBy(x => x).ToListAsync(Ct)).ShouldBe(["0.0.0.0:443", "[::]:443"]);
        (await db.RadiusServerSettings.SingleAsync(Ct)).TimeoutSeconds.ShouldBe(60);
        var locations = await db.CertificateLocations.Include(l => l.Certificate).OrderBy(l => l.Store).ToListAsync(Ct);
        locations.Select(l => (l.Store, l.Certificate!.Sha1Thumbprint)).ShouldBe(
        [
            (CertificateStoreName.My, Snapshots.SstpCertificate.Thumbprint),
            (CertificateStoreName.Disallowed, Snapshots.RevokedDeviceCertificate.Thumbprint),
        ]);
        locations[0].HasPrivateKey.ShouldBeTrue();
        locations[0].Certificate!.SubjectAlternativeNames.ShouldBe(["DNS:vpn.corp.example"]);
        (await db.ConnectionSamples.SingleAsync(Ct)).Sessions.ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Report_CertificateWithMalformedExtensions_IsStoredWithWhatCanBeReadAndItsPageNamesTheRest(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        using var brokenDevice = MalformedCertificates.WithBrokenSubjectAlternativeName("CN=LAPTOP-0666.corp.example");
        using var brokenServer = MalformedCertificates.WithBrokenUsages("CN=vpn-old.corp.example");

        var receipt = await agent.ReportAsync(Snapshots.Rras(agent, agent.Next(), [Snapshots.Session("alice@corp.example")],
        [
            CertificateReport.From(Snapshots.SstpCertificate, CertificateStoreKind.My),
            CertificateReport.From(brokenServer, CertificateStoreKind.My),
            CertificateReport.From(brokenDevice, CertificateStoreKind.Disallowed),
        ]));

        receipt.Applied.ShouldBeTrue();
        await using var db = portal.Database.CreateContext();
        (await db.VpnSessions.SingleAsync(Ct)).UserName.ShouldBe("alice@corp.example");
        var device = await db.Certificates.SingleAsync(c => c.Sha1Thumbprint == brokenDevice.Thumbprint, Ct);
        (device.Subject, device.SubjectAlternativeNames.Count, device.EnhancedKeyUsages.Single()).ShouldBe(("CN=LAPTOP-0666.corp.example", 0, "1.3.6.1.5.5.7.3.1"));
        var server = await db.Certificates.SingleAsync(c => c.Sha1Thumbprint == brokenServer.Thumbprint, Ct);
        (server.SubjectAlternativeNames.Single(), server.EnhancedKeyUsages.Count, server.IsCertificateAuthority).ShouldBe(("DNS:vpn-old.corp.example", 0, false));
        (await db.Certificates.SingleAsync(c => c.Sha1Thumbprint == Snapshots.SstpCertificate.Thumbprint, Ct)).SubjectAlternativeNames.ShouldBe(["DNS:vpn.corp.example"]);

        var page = (await new GetCertificate(db).RunAsync(device.Id, Ct))!;
        page.ReadProblems.ShouldHaveSingleItem().ShouldStartWith("subject alternative names unreadable: ");

        // What the diagnostics see: the EKU stored empty is not taken for "all purposes".
        var facts = await LoadFleetFacts.RunAsync(db, DateTimeOffset.UtcNow, new DiagnosticsOptions(), Ct);
        var stored = facts.Servers.Single().Certificates.Single(c => c.Sha1Thumbprint == brokenServer.Thumbprint);
        stored.Facts.ReadProblems.Count.ShouldBe(2);
        Domain.Certificates.CertificateFitness.Sstp(stored.Facts, DateTimeOffset.UtcNow).Fit.ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Report_SessionGoneFromNextSnapshot_IsEnded_AndOnlySessionsWhoseCountersMovedAreWritten(string provider)
    {
        // The portal's clock, to the second (as every provider stores it exactly); the snapshots are taken on the real one.
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var portal = await PortalFactory.StartAsync(provider, time);
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var other = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
        // Enough sessions that their counters go to the database in one statement of many rows.
        var crowd = Enumerable.Range(0, 250).Select(i => Snapshots.Session($"user{i:D3}@corp.example", address: $"10.30.{i / 200}.{i % 200 + 1}")).ToList();
        await agent.ReportAsync(Snapshots.Rras(agent, [Snapshots.Session("alice@corp.example"), Snapshots.Session("bob@corp.example", address: "10.20.0.6"),
            Snapshots.Session("carol@corp.example", address: "10.20.0.7"), .. crowd]));
        await other.ReportAsync(Snapshots.Rras(other, Snapshots.Session("alice@corp.example")));
        var first = time.GetUtcNow();

        time.Advance(TimeSpan.FromSeconds(30));
        var moved = crowd.Select((s, i) => s with { TotalBytesIn = 1_000_000 + i, TotalBytesOut = 2_000_000 + i }).ToList();
        await agent.ReportAsync(Snapshots.Rras(agent, [Snapshots.Session("alice@corp.example", bytesIn: 9_999, bytesOut: 8_888),
            Snapshots.Session("carol@corp.example", address: "10.20.0.7"), .. moved]));

        await using var db = portal.Database.CreateContext();
        var server = await db.Servers.Where(s => s.Name == "VPN01").Select(s => s.Id).SingleAsync(Ct);
        var sessions = await db.VpnSessions.AsNoTracking().Where(s => s.RrasServerId == server).ToDictionaryAsync(s => s.UserName, Ct);
        sessions["alice@corp.example"].ShouldSatisfyAllConditions(
            a => a.EndedAt.ShouldBeNull(),
            a => a.BytesIn.ShouldBe(9_999),
            a => a.BytesOut.ShouldBe(8_888),
            a => a.LastSeenAt.ShouldBe(time.GetUtcNow()));
        sessions["carol@corp.example"].LastSeenAt.ShouldBe(first, "carol's counters did not move: her row is not written");
        sessions["bob@corp.example"].EndedAt.ShouldBe(time.GetUtcNow());
        for (var i = 0; i < crowd.Count; i++)
        {
            var row = sessions[$"user{i:D3}@corp.example"];
            (row.BytesIn, row.BytesOut, row.LastSeenAt, row.EndedAt).ShouldBe((1_000_000L + i, 2_000_000L + i, time.GetUtcNow(), (DateTimeOffset?)null));
        }

        // The same user on another server is another session, untouched.
        var elsewhere = await db.VpnSessions.AsNoTracking().SingleAsync(s => s.RrasServerId != server, Ct);
        (elsewhere.BytesIn, elsewhere.LastSeenAt, elsewhere.EndedAt).ShouldBe((1000L, first, (DateTimeOffset?)null));
    }

    [Fact]
    public async Task Report_CertificateRemovedFromStore_LosesItsLocation()
    {
        await using var portal = await PortalFactory.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await agent.ReportAsync(Snapshots.Rras(agent));

        await agent.ReportAsync(Snapshots.Rras(agent, agent.Next(), [], [CertificateReport.From(Snapshots.SstpCertificate, CertificateStoreKind.My)]));

        await using var db = portal.Database.CreateContext();
        (await db.CertificateLocations.CountAsync(Ct)).ShouldBe(1);
        (await db.Certificates.CountAsync(Ct)).ShouldBe(2, "the certificate stays known to the portal");
    }

    [Fact]
    public async Task Report_NpsSnapshot_StoresMfaExtensionState()
    {
        await using var portal = await PortalFactory.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Nps, "NPS01");

        (await agent.ReportAsync(Snapshots.Nps(agent))).Applied.ShouldBeTrue();

        await using var db = portal.Database.CreateContext();
        var nps = await db.NpsServers.SingleAsync(Ct);
        nps.MfaExtension.ShouldBe(MfaExtensionState.Installed);
        nps.MfaExtensionVersion.ShouldBe("1.2.2216.1");
        nps.LastReportAt.ShouldNotBeNull();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Report_ReplayedOrOutOfOrderSnapshot_IsIgnoredNotApplied(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var fifth = Snapshots.Rras(agent, 5, [Snapshots.Session("alice@corp.example")]);
        (await agent.ReportAsync(fifth)).Applied.ShouldBeTrue();

        var replayed = await agent.ReportAsync(fifth with { Rras = fifth.Rras! with { Sessions = [] } });
        var older = await agent.ReportAsync(Snapshots.Rras(agent, 4, []));

        replayed.Applied.ShouldBeFalse();
        older.Applied.ShouldBeFalse();
        older.Reason!.ShouldContain("out of order");
        await using var db = portal.Database.CreateContext();
        (await db.VpnSessions.SingleAsync(Ct)).EndedAt.ShouldBeNull("neither the replay nor the older snapshot may end the session");
    }

    [Fact]
    public async Task Report_FromNpsAgentWithRrasPart_IsRefused()
    {
        await using var portal = await PortalFactory.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Nps, "NPS01");
        var rras = Snapshots.Rras(agent);

        using var response = await agent.SendAsync(rras);

        await ShouldBeRefusedAsync(response, "$.nps");
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { """{"rras":{"sessions":[{"totalBytesIn":"lots"}]}}""", "$.rras.sessions[0].totalBytesIn" },
        { """{"rras":{"sessions":[{"totalBytesIn":-5}]}}""", "$.rras.sessions[0].totalBytesIn" },
        { """{"rras":{"sessions":[{"connectionStartTime":"2099-01-01T00:00:00Z"}]}}""", "$.rras.sessions[0].connectionStartTime" },
        { """{"takenAt":"2090-01-01T00:00:00Z"}""", "$.takenAt" },
        { """{"rras":{"sslBindings":[{"certificateHash":"not-a-hash"}]}}""", "$.rras.sslBindings[0].certificateHash" },
        { """{"rras":{"sslBindings":[{"ipPort":"somewhere"}]}}""", "$.rras.sslBindings[0].ipPort" },
        { """{"rras":{"sstp":{"listenerPort":70000}}}""", "$.rras.sstp.listenerPort" },
        { """{"rras":{"radiusServers":[{"timeoutSeconds":0}]}}""", "$.rras.radiusServers[0].timeoutSeconds" },
        { """{"certificates":[{"sha1Thumbprint":"00112233445566778899AABBCCDDEEFF00112233"}]}""", "$.certificates[0].sha1Thumbprint" },
        { """{"certificates":[{"rawData":"%%%"}]}""", "$.certificates[0].rawData" },
        { """{"rras":{"sessions":[{"userNames":[]}]}}""", "$.rras.sessions[0].userNames" },
        { """{"rras":{"sessions":[{"tunnelType":"Carrier pigeon"}]}}""", "$.rras.sessions[0].tunnelType" },
        { """{"sequence":null}""", "$.sequence" },
        { """{"machineName":"OTHER01"}""", "$.machineName" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Report_MalformedSnapshot_Is400NamingTheFieldAndWritesNothing(string patch, string field)
    {
        var (portal, agent) = await shared.ForTheoryAsync(async s =>
        {
            var portal = s.Own(await PortalFactory.StartAsync());
            return (portal, await portal.EnrollAsync(ServerRole.Rras, "VPN01"));
        });
        var json = JsonNode.Parse(JsonSerializer.Serialize(
            Snapshots.Rras(agent, 1, [Snapshots.Session("alice@corp.example")]), AgentJson.Options))!;
        Merge(json, JsonNode.Parse(patch)!);
        var before = await portal.CountRowsWhenSettledAsync();

        using var response = await agent.SendRawAsync(json.ToJsonString());

        await ShouldBeRefusedAsync(response, field);
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused snapshot writes nothing");
    }

    [Fact]
    public async Task Report_MissingRequiredField_Is400NamingIt()
    {
        await using var portal = await PortalFactory.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var json = JsonNode.Parse(JsonSerializer.Serialize(Snapshots.Rras(agent, 1, []), AgentJson.Options))!.AsObject();
        json.Remove("certificates");

        using var response = await agent.SendRawAsync(json.ToJsonString());

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!.Message.ShouldContain("certificates");
    }

    [Fact]
    public async Task Report_OverTheSizeLimit_Is400AndWritesNothing()
    {
        await using var portal = await PortalFactory.StartAsync(settings: new Dictionary<string, string> { ["Agents:MaxSnapshotBytes"] = "65536" });
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var sessions = Enumerable.Range(0, 300).Select(i => Snapshots.Session($"user{i}@corp.example", address: $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}")).ToList();
        var before = await portal.CountRowsWhenSettledAsync();

        using var response = await agent.SendAsync(Snapshots.Rras(agent, 1, sessions));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<AgentProblem>(AgentJson.Options, Ct))!.Message.ShouldContain("MaxSnapshotBytes");
        (await portal.CountRowsAsync()).ShouldEqual(before, "an oversized snapshot writes nothing");
    }

    [Fact]
    public async Task Report_FailingMidway_RollsBackEverythingIncludingTheSequence()
    {
        await using var portal = await PortalFactory.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        (await agent.ReportAsync(Snapshots.Rras(agent, 1, [Snapshots.Session("alice@corp.example")]))).Applied.ShouldBeTrue();

        // The database refuses one session row: by then the sequence, the server's reported state and the other
        // rows of the snapshot were already written in the transaction.
        await using (var db = portal.Database.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync(
                "CREATE TRIGGER poison BEFORE INSERT ON \"VpnSessions\" WHEN NEW.\"UserName\" = 'poison@corp.example' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END;", Ct);
        }

        var before = await portal.CountRowsWhenSettledAsync();
        var failing = Snapshots.Rras(agent, 2, [Snapshots.Session("bob@corp.example", address: "10.20.0.7"), Snapshots.Session("poison@corp.example", address: "10.20.0.8")]);
        using var response = await agent.SendAsync(failing with { Rras = failing.Rras! with { Sstp = new SstpParameters { ListenerPort = 8443, UseHttps = false } } });

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await portal.CountRowsAsync()).ShouldEqual(before, "nothing of a snapshot that failed may stay");
        await using var after = portal.Database.CreateContext();
        (await after.Agents.SingleAsync(Ct)).LastSnapshotSequence.ShouldBe(1);
        (await after.RrasServers.SingleAsync(Ct)).Sstp.ListenerPort.ShouldBe(443);
        (await after.VpnSessions.SingleAsync(Ct)).EndedAt.ShouldBeNull("alice's session must not be ended by the failed snapshot");
        (await agent.ReportAsync(Snapshots.Rras(agent, 2, [Snapshots.Session("bob@corp.example", address: "10.20.0.7")]))).Applied.ShouldBeTrue(
            "the failed snapshot's sequence number was not consumed");
    }

    [Fact]
    public async Task Report_CertificateBytesThatAreNotX509_Is400()
    {
        await using var portal = await PortalFactory.StartAsync();
        var agent = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var garbage = new byte[] { 1, 2, 3, 4, 5 };
        var bogus = CertificateReport.From(Snapshots.SstpCertificate, CertificateStoreKind.Disallowed) with
        {
            RawData = Convert.ToBase64String(garbage),
            Sha1Thumbprint = Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(garbage)),
            Sha256Thumbprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(garbage)),
        };

        using var response = await agent.SendAsync(Snapshots.Rras(agent, 1, [], [bogus]));

        await ShouldBeRefusedAsync(response, "$.certificates[0].rawData");
    }

    private static async Task ShouldBeRefusedAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        var problem = JsonSerializer.Deserialize<AgentProblem>(body, AgentJson.Options)!;
        problem.Field.ShouldBe(field, body);
        problem.Message.ShouldContain(field.Split('.')[^1].Split('[')[0]);
    }

    /// <summary>Overlays <paramref name="patch"/> onto <paramref name="target"/>; arrays patch their elements by index.</summary>
    private static void Merge(JsonNode target, JsonNode patch)
    {
        switch (patch)
        {
            case JsonObject patchObject:
                foreach (var (key, value) in patchObject.ToList())
                {
                    if (value is JsonObject or JsonArray && target[key] is { } existing && existing.GetValueKind() == value.GetValueKind())
                    {
                        Merge(existing, value);
                    }
                    else
                    {
                        target[key] = value?.DeepClone();
                    }
                }

                break;
            case JsonArray patchArray:
                var targetArray = target.AsArray();
                for (var i = 0; i < patchArray.Count; i++)
                {
                    if (i < targetArray.Count && patchArray[i] is JsonObject && targetArray[i] is JsonObject)
                    {
                        Merge(targetArray[i]!, patchArray[i]!);
                    }
                    else if (i < targetArray.Count)
                    {
                        targetArray[i] = patchArray[i]?.DeepClone();
                    }
                    else
                    {
                        targetArray.Add(patchArray[i]?.DeepClone());
                    }
                }

                if (patchArray.Count == 0)
                {
                    targetArray.Clear();
                }

                break;
        }
    }
}
