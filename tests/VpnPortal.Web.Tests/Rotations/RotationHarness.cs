using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Rotations;

/// <summary>What rollout tests share: a scripted RRAS server with a public name, an API client, and reading a rollout back.</summary>
internal static class RotationHarness
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Fast sweeps and a short verification window, so a rollout moves in test time.</summary>
    public static readonly Dictionary<string, string> FastSettings = new() { ["Rotations:SweepSeconds"] = "1", ["Rotations:VerifyWithinSeconds"] = "5" };

    /// <summary>The SSTP certificate every scripted server has before a rollout.</summary>
    public static readonly string OldSha1 = Snapshots.SstpCertificate.Thumbprint;

    /// <summary>An enrolled RRAS server that has reported once, with its public name set as an admin would.</summary>
    public static async Task<ScriptedRrasAgent> ServerAsync(
        PortalFactory portal, string name, string publicFqdn = "vpn.corp.example", bool offload = false, FakeTimeProvider? time = null)
    {
        var server = new ScriptedRrasAgent(await portal.EnrollAsync(ServerRole.Rras, name), OldSha1) { UseHttps = !offload, Time = time };
        await server.ReportAsync();
        await using var db = portal.Database.CreateContext();
        var row = await db.RrasServers.SingleAsync(s => s.Id == server.Agent.ServerId, Ct);
        row.PublicFqdns = [publicFqdn];
        row.TlsOffload = offload;
        await db.SaveChangesAsync(Ct);
        return server;
    }

    public static async Task<HttpClient> ApiAsync(PortalFactory portal, string role = Roles.Admin) =>
        portal.CreateApiClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(role)));

    public static async Task<Guid> StartAsync(HttpClient api, byte[] pfx, string servers)
    {
        using var response = await api.PostAsync("/api/v1/rotations", RotationCertificates.Form(pfx, RotationCertificates.Password, servers), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    public static Task<JsonElement> DetailAsync(HttpClient api, Guid id) => api.GetFromJsonAsync<JsonElement>($"/api/v1/rotations/{id}", Ct);

    public static async Task<string> ServerStateAsync(HttpClient api, Guid id, string server) =>
        (await DetailAsync(api, id)).GetProperty("servers").EnumerateArray().Single(s => s.GetProperty("serverName").GetString() == server).GetProperty("state").GetString()!;

    public static async Task<string> StatusAsync(HttpClient api, Guid id) => (await DetailAsync(api, id)).GetProperty("status").GetString()!;

    /// <summary>Posts an admin's decision on a server (retry, skip) and returns the answer's status.</summary>
    public static async Task<HttpStatusCode> DecideAsync(HttpClient api, Guid id, Guid serverId, string decision)
    {
        using var response = await api.PostAsync($"/api/v1/rotations/{id}/servers/{serverId}/{decision}", null, Ct);
        return response.StatusCode;
    }
}
