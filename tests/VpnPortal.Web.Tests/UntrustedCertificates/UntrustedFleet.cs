using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Agent.Certificates;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.UntrustedCertificates;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.UntrustedCertificates;

/// <summary>What the untrusted-certificate tests share: device certificates, Disallowed reports, the API and a pass on demand.</summary>
internal static class UntrustedFleet
{
    public const string Route = "/api/v1/untrusted-certificates";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A device tunnel's machine certificate: client authentication, the device FQDN as DNS name and CN.</summary>
    public static X509Certificate2 DeviceCertificate(string fqdn) => DeviceCertificates.Create(fqdn);

    public static string Pem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    /// <summary>A full RRAS snapshot whose Untrusted Certificates store holds exactly <paramref name="disallowed"/>.</summary>
    public static AgentSnapshot Report(TestAgent agent, params X509Certificate2[] disallowed) =>
        Snapshots.Rras(
            agent,
            agent.Next(),
            [],
            [CertificateReport.From(Snapshots.SstpCertificate, CertificateStoreKind.My), .. disallowed.Select(c => CertificateReport.From(c, CertificateStoreKind.Disallowed))]);

    public static async Task<HttpClient> AdminApiAsync(PortalFactory portal) =>
        portal.CreateApiClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(Roles.Admin)));

    public static Task<HttpResponseMessage> UntrustAsync(HttpClient api, object body) => api.PostAsJsonAsync(Route, body, Ct);

    public static async Task<JsonElement> UntrustOkAsync(HttpClient api, object body)
    {
        using var response = await UntrustAsync(api, body);
        var text = await response.Content.ReadAsStringAsync(Ct);
        ((int)response.StatusCode).ShouldBe(201, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> ListAsync(HttpClient api) => await api.GetFromJsonAsync<JsonElement>(Route, Ct);

    /// <summary>The one item of the set for a thumbprint.</summary>
    public static async Task<JsonElement> ItemAsync(HttpClient api, string sha1) =>
        (await ListAsync(api)).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("sha1Thumbprint").GetString() == sha1);

    public static JsonElement ServerState(JsonElement item, string server) =>
        item.GetProperty("serverStates").EnumerateArray().Single(s => s.GetProperty("serverName").GetString() == server);

    /// <summary>A whole pass now, as the background reactor runs it (after any pass it is running).</summary>
    public static Task<ConvergencePass.Outcome> ConvergeAsync(PortalFactory portal) =>
        portal.InScopeAsync(sp => sp.GetRequiredService<UntrustedCertificateConvergence>().ConvergeAsync(
            sp.GetRequiredService<PortalDbContext>(), Data.Auditing.AuditActor.System, null, null, Ct));

    /// <summary>
    /// The agent's next batch, waiting for the portal to queue something: up to three held polls of 10 s, as a real agent
    /// polls again (the reaction to a report is asynchronous, and a loaded machine can take longer than one poll).
    /// </summary>
    public static async Task<AgentCommandMessage> NextCommandAsync(TestAgent agent, string kind)
    {
        var batch = await agent.PollAsync(waitSeconds: 10);
        for (var again = 0; again < 2 && batch.Commands.Count == 0; again++)
        {
            batch = await agent.PollAsync(waitSeconds: 10);
        }

        batch.Commands.Count.ShouldBe(1, $"{agent.MachineName} should get exactly one command");
        batch.Commands[0].Kind.ShouldBe(kind);
        return batch.Commands[0];
    }

    public static async Task AnswerAsync(TestAgent agent, AgentCommandMessage command, CommandOutcome outcome, string message)
    {
        using var response = await agent.AnswerAsync(command.Id, outcome, message);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Import and remove commands for the Disallowed store, per server name, oldest first.</summary>
    public static async Task<List<(string Server, string Kind, AgentCommandStatus Status, string RequestedBy)>> CertificateCommandsAsync(PortalFactory portal)
    {
        await using var db = portal.Database.CreateContext();
        return (await db.AgentCommands.AsNoTracking()
                .Where(c => c.Kind == AgentCommandKinds.ImportCertificate || c.Kind == AgentCommandKinds.RemoveCertificate)
                .OrderBy(c => c.CreatedAt)
                .Select(c => new { Server = c.Server!.Name, c.Kind, c.Status, c.RequestedBy })
                .ToListAsync(Ct))
            .Select(c => (c.Server, c.Kind, c.Status, c.RequestedBy))
            .ToList();
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds, for at most 20 seconds; returns the last value.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > until)
            {
                throw new ShouldAssertException($"Not reached within 20 s: {what}. Last: {value}");
            }

            await Task.Delay(100, Ct);
        }
    }
}
