using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.UntrustedCertificates.UntrustedFleet;

namespace VpnPortal.Web.Tests.UntrustedCertificates;

/// <summary>
/// A certificate a server holds in Untrusted Certificates without the portal having put it there is untrusted there on
/// every page, and listed on the untrusted page, where an admin adopts it into the set or removes it from that server.
/// </summary>
public sealed class HeldCertificatesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>VPN01 reports the device certificate in its Disallowed store (someone put it there by hand); VPN02 does not.</summary>
    private static async Task<(TestAgent Vpn01, TestAgent Vpn02)> HeldOnVpn01Async(PortalFactory portal, System.Security.Cryptography.X509Certificates.X509Certificate2 device)
    {
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        var vpn02 = await portal.EnrollAsync(ServerRole.Rras, "VPN02");
        (await vpn01.ReportAsync(Report(vpn01, device))).Applied.ShouldBeTrue();
        (await vpn02.ReportAsync(Report(vpn02))).Applied.ShouldBeTrue();
        return (vpn01, vpn02);
    }

    private static async Task<JsonElement> HeldAsync(HttpClient api, string sha1) =>
        (await ListAsync(api)).GetProperty("held").EnumerateArray().Single(h => h.GetProperty("sha1Thumbprint").GetString() == sha1);

    private static Task<HttpResponseMessage> AdoptAsync(HttpClient api, string sha1, object body) => api.PostAsJsonAsync($"{Route}/{sha1}/adopt", body, Ct);

    private static Task<HttpResponseMessage> RemoveFromServerAsync(HttpClient api, string sha1, object body) =>
        api.PostAsJsonAsync($"{Route}/{sha1}/remove-from-server", body, Ct);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(expected, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ACertificateInAServersDisallowedStore_IsUntrustedOnEveryPage_AndListedAsHeldByThatServer(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        using var device = DeviceCertificate("LT-7001.corp.example");
        var (vpn01, _) = await HeldOnVpn01Async(portal, device);
        using var api = await AdminApiAsync(portal);

        var certificates = await api.GetFromJsonAsync<JsonElement>("/api/v1/certificates?filter=untrusted", Ct);
        var untrusted = await ListAsync(api);
        var held = await HeldAsync(api, device.Thumbprint);

        certificates.GetProperty("counts").GetProperty("untrusted").GetInt32().ShouldBe(1, "not \"Untrusted 0\"");
        var row = certificates.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        row.GetProperty("sha1Thumbprint").GetString().ShouldBe(device.Thumbprint);
        (row.GetProperty("isUntrusted").GetBoolean(), row.GetProperty("inUntrustedSet").GetBoolean(), row.GetProperty("untrustedOnServers").GetInt32()).ShouldBe((true, false, 1));
        untrusted.GetProperty("items").GetArrayLength().ShouldBe(0, "the portal did not put it there");
        var on = held.GetProperty("servers").EnumerateArray().ShouldHaveSingleItem();
        (on.GetProperty("serverName").GetString(), on.GetProperty("state").GetString(), on.GetProperty("canRemove").GetBoolean()).ShouldBe(("VPN01", "held", true));
        on.GetProperty("reason").GetString()!.ShouldContain("not put there by the portal");

        Guid certificateId;
        await using (var db = portal.Database.CreateContext())
        {
            certificateId = await db.Certificates.Where(c => c.Sha1Thumbprint == device.Thumbprint).Select(c => c.Id).SingleAsync(Ct);
        }

        using var onCall = await portal.SignInAsync(await portal.CreateUserAsync(Roles.OnCall));
        var certificatePage = await onCall.Client.GetStringAsync($"/certificates/{certificateId}", Ct);
        var serverPage = await onCall.Client.GetStringAsync($"/servers/rras/{vpn01.ServerId}", Ct);
        var untrustedPage = await onCall.Client.GetStringAsync("/untrusted-certificates", Ct);

        certificatePage.ShouldContain("id=\"untrusted-badge\"");
        certificatePage.ShouldContain("id=\"untrusted-held\"");
        serverPage.ShouldContain("untrusted-badge");
        serverPage.ShouldContain("not in the portal&#x27;s set");
        untrustedPage.ShouldContain($"id=\"held-{device.Thumbprint}\"");
        untrustedPage.ShouldContain("No certificate is in the untrusted set");
        untrustedPage.ShouldNotContain("adopt-held", customMessage: "on-call staff may look, not change");
        untrustedPage.ShouldNotContain("remove-held");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task Adopt_MakesItAPortalManagedUntrustedCertificate_PushedToEveryRrasServer_AndAudited(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        using var device = DeviceCertificate("LT-7002.corp.example");
        var (vpn01, vpn02) = await HeldOnVpn01Async(portal, device);
        using var api = await AdminApiAsync(portal);

        var done = await JsonAsync(await AdoptAsync(api, device.Thumbprint, new { reason = "found on VPN01: the lost laptop of INC-4711" }), HttpStatusCode.Created);

        done.GetProperty("sha1Thumbprint").GetString().ShouldBe(device.Thumbprint);
        done.GetProperty("commandsQueued").GetInt32().ShouldBe(1, "VPN01 holds it already; VPN02 gets it");
        var command = await NextCommandAsync(vpn02, AgentCommandKinds.ImportCertificate);
        command.Payload!.Value.GetProperty("sha1Thumbprint").GetString().ShouldBe(device.Thumbprint);
        (await vpn01.PollAsync()).Commands.ShouldBeEmpty();
        var item = await ItemAsync(api, device.Thumbprint);
        item.GetProperty("reason").GetString().ShouldBe("found on VPN01: the lost laptop of INC-4711");
        ServerState(item, "VPN01").GetProperty("state").GetString().ShouldBe("in-place");
        (await ListAsync(api)).GetProperty("held").GetArrayLength().ShouldBe(0);
        await using (var db = portal.Database.CreateContext())
        {
            var audit = await db.AuditEntries.SingleAsync(a => a.Action == "untrusted-certificate.adopted", Ct);
            audit.Summary.ShouldContain("VPN01");
            audit.Actor.ShouldContain("API key");
        }

        using var again = await AdoptAsync(api, device.Thumbprint, new { });
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync(Ct)).ShouldContain("already managed");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task RemoveFromServer_QueuesTheRemovalOnThatServerOnly_AsTheAdmin_AndItLeavesTheListWhenReportedGone(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        using var device = DeviceCertificate("LT-7003.corp.example");
        var (vpn01, vpn02) = await HeldOnVpn01Async(portal, device);
        using var api = await AdminApiAsync(portal);

        var queued = await JsonAsync(await RemoveFromServerAsync(api, device.Thumbprint, new { server = "vpn01" }), HttpStatusCode.Accepted);

        queued.GetProperty("serverName").GetString().ShouldBe("VPN01");
        var command = await NextCommandAsync(vpn01, AgentCommandKinds.RemoveCertificate);
        command.Payload!.Value.GetProperty("store").GetString().ShouldBe("Disallowed");
        command.Payload!.Value.GetProperty("sha1Thumbprint").GetString().ShouldBe(device.Thumbprint);
        (await vpn02.PollAsync()).Commands.ShouldBeEmpty();
        var delivered = (await HeldAsync(api, device.Thumbprint)).GetProperty("servers").EnumerateArray().Single();
        (delivered.GetProperty("state").GetString(), delivered.GetProperty("canRemove").GetBoolean()).ShouldBe(("removal-delivered", false));
        using (var twice = await RemoveFromServerAsync(api, device.Thumbprint, new { server = "VPN01" }))
        {
            twice.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await twice.Content.ReadAsStringAsync(Ct)).ShouldContain("already waiting for its agent");
        }

        await AnswerAsync(vpn01, command, CommandOutcome.Succeeded, "removed");
        await vpn01.ReportAsync(Report(vpn01));

        (await ListAsync(api)).GetProperty("held").GetArrayLength().ShouldBe(0);
        (await api.GetFromJsonAsync<JsonElement>("/api/v1/certificates?filter=untrusted", Ct)).GetProperty("total").GetInt32().ShouldBe(0);
        var (server, kind, status, requestedBy) = (await CertificateCommandsAsync(portal)).ShouldHaveSingleItem();
        (server, kind, status).ShouldBe(("VPN01", AgentCommandKinds.RemoveCertificate, AgentCommandStatus.Succeeded));
        requestedBy.ShouldStartWith("admin", customMessage: "queued as the admin who asked");
        await using var db = portal.Database.CreateContext();
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "untrusted-certificate.removal-from-server-requested", Ct);
        audit.Summary.ShouldContain("VPN01");
        audit.Actor.ShouldContain("API key");
    }

    [Fact]
    public async Task BadRequests_SayWhy_AndWriteNothing()
    {
        await using var portal = await PortalFactory.StartAsync();
        using var held = DeviceCertificate("LT-7004.corp.example");
        using var managed = DeviceCertificate("LT-7005.corp.example");
        await HeldOnVpn01Async(portal, held);
        using var api = await AdminApiAsync(portal);
        await UntrustOkAsync(api, new { certificate = Pem(managed) });
        var unknown = new string('C', 40);
        var before = await portal.CountRowsWhenSettledAsync();

        (HttpStatusCode, string)[] expected =
        [
            (HttpStatusCode.BadRequest, "40 hexadecimal characters"),
            (HttpStatusCode.NotFound, $"No certificate with SHA-1 {unknown} is known"),
            (HttpStatusCode.Conflict, "nothing to adopt"),
            (HttpStatusCode.Conflict, "already managed"),
            (HttpStatusCode.BadRequest, "Send JSON such as"),
        ];
        HttpResponseMessage[] adopts =
        [
            await AdoptAsync(api, "xyz", new { }),
            await AdoptAsync(api, unknown, new { }),
            await AdoptAsync(api, Snapshots.SstpCertificate.Thumbprint, new { }),
            await AdoptAsync(api, managed.Thumbprint, new { }),
            await api.PostAsync($"{Route}/{held.Thumbprint}/adopt", new StringContent("", Encoding.UTF8, "text/plain"), Ct),
        ];
        HttpResponseMessage[] removals =
        [
            await RemoveFromServerAsync(api, "xyz", new { server = "VPN01" }),
            await RemoveFromServerAsync(api, held.Thumbprint, new { }),
            await RemoveFromServerAsync(api, held.Thumbprint, new { server = "VPN99" }),
            await RemoveFromServerAsync(api, unknown, new { server = "VPN01" }),
            await RemoveFromServerAsync(api, held.Thumbprint, new { server = "VPN02" }),
            await RemoveFromServerAsync(api, managed.Thumbprint, new { server = "VPN01" }),
        ];
        (HttpStatusCode, string)[] expectedRemovals =
        [
            (HttpStatusCode.BadRequest, "40 hexadecimal characters"),
            (HttpStatusCode.BadRequest, "Name the server"),
            (HttpStatusCode.NotFound, "There is no server 'VPN99'"),
            (HttpStatusCode.NotFound, $"No certificate with SHA-1 {unknown} is known"),
            (HttpStatusCode.NotFound, "VPN02 does not hold"),
            (HttpStatusCode.NotFound, "VPN01 does not hold"),
        ];

        for (var i = 0; i < adopts.Length; i++)
        {
            using var response = adopts[i];
            (response.StatusCode, await response.Content.ReadAsStringAsync(Ct)).ShouldSatisfyAllConditions(
                r => r.Item1.ShouldBe(expected[i].Item1, r.Item2),
                r => r.Item2.ShouldContain(expected[i].Item2));
        }

        for (var i = 0; i < removals.Length; i++)
        {
            using var response = removals[i];
            (response.StatusCode, await response.Content.ReadAsStringAsync(Ct)).ShouldSatisfyAllConditions(
                r => r.Item1.ShouldBe(expectedRemovals[i].Item1, r.Item2),
                r => r.Item2.ShouldContain(expectedRemovals[i].Item2));
        }

        (await portal.CountRowsAsync()).ShouldEqual(before, "refusals write nothing");
    }

    [Fact]
    public async Task RemoveFromServer_ACertificateOfTheSet_IsRefused_BecauseThePortalWouldPutItBack()
    {
        await using var portal = await PortalFactory.StartAsync();
        using var device = DeviceCertificate("LT-7006.corp.example");
        await HeldOnVpn01Async(portal, device);
        using var api = await AdminApiAsync(portal);
        await JsonAsync(await AdoptAsync(api, device.Thumbprint, new { }), HttpStatusCode.Created);
        var before = await portal.CountRowsWhenSettledAsync();

        using var response = await RemoveFromServerAsync(api, device.Thumbprint, new { server = "VPN01" });

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("Take it out of the set instead");
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refusal writes nothing");
    }

    [Fact]
    public async Task OnCall_MayListHeldCertificates_ButNeitherAdoptNorRemove()
    {
        await using var portal = await PortalFactory.StartAsync();
        using var device = DeviceCertificate("LT-7007.corp.example");
        await HeldOnVpn01Async(portal, device);
        using var onCall = portal.CreateApiClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(Roles.OnCall)));
        var before = await portal.CountRowsWhenSettledAsync();

        (await HeldAsync(onCall, device.Thumbprint)).GetProperty("servers").GetArrayLength().ShouldBe(1);
        using var adopt = await AdoptAsync(onCall, device.Thumbprint, new { });
        using var remove = await RemoveFromServerAsync(onCall, device.Thumbprint, new { server = "VPN01" });

        adopt.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        remove.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await portal.CountRowsAsync()).ShouldEqual(before, "refusals write nothing");
    }
}
