using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Agent.Certificates;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.AgentApi;

/// <summary>An agent as the portal sees it over HTTP: enrolled with a real token, talking the wire contract.</summary>
public sealed class TestAgent(HttpClient client, EnrollResponse enrollment, string machineName)
{
    public HttpClient Client { get; } = client;
    public EnrollResponse Enrollment { get; } = enrollment;
    public string MachineName { get; } = machineName;
    public Guid ServerId => Enrollment.ServerId;
    public long Sequence { get; set; }

    public Task<HttpResponseMessage> SendAsync(AgentSnapshot snapshot) =>
        Client.PostAsJsonAsync(AgentRoutes.Snapshots, snapshot, AgentJson.Options, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> SendRawAsync(string json) =>
        Client.PostAsync(AgentRoutes.Snapshots, new StringContent(json, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public async Task<SnapshotReceipt> ReportAsync(AgentSnapshot snapshot)
    {
        using var response = await SendAsync(snapshot);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.IsSuccessStatusCode.ShouldBeTrue($"the snapshot should be accepted, got {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize<SnapshotReceipt>(body, AgentJson.Options)!;
    }

    public async Task<CommandBatch> PollAsync(int waitSeconds = 0)
    {
        using var response = await Client.GetAsync($"{AgentRoutes.Commands}?waitSeconds={waitSeconds}", TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CommandBatch>(AgentJson.Options, TestContext.Current.CancellationToken))!;
    }

    public Task<HttpResponseMessage> AnswerAsync(Guid commandId, CommandOutcome outcome, string? message = null) =>
        Client.PostAsJsonAsync(
            AgentRoutes.CommandResult(commandId),
            new CommandResultRequest { Outcome = outcome, Message = message, CompletedAt = DateTimeOffset.UtcNow },
            AgentJson.Options,
            TestContext.Current.CancellationToken);

    /// <summary>The next snapshot number, as a real agent counts.</summary>
    public long Next() => ++Sequence;
}

public static class AgentHarness
{
    /// <summary>A token for one new server of any name not yet in the portal.</summary>
    public static Task<string> CreateTokenAsync(this PortalFactory portal, ServerRole role, TimeSpan? validFor = null) =>
        portal.CreateTokenAsync(new EnrollmentTokens.Request(role, ValidFor: validFor));

    public static Task<string> CreateTokenAsync(this PortalFactory portal, EnrollmentTokens.Request request) =>
        portal.InScopeAsync(async sp =>
        {
            var created = await sp.GetRequiredService<EnrollmentTokens>().CreateAsync(request, null, TestContext.Current.CancellationToken);
            created.Error.ShouldBeNull();
            return created.Value!.Token;
        });

    public static Task<HttpResponseMessage> PostEnrollAsync(this PortalFactory portal, string token, string machineName) =>
        portal.CreateApiClient(null).PostAsJsonAsync(
            AgentRoutes.Enroll,
            new EnrollRequest { Token = token, MachineName = machineName, HostFqdn = machineName.ToLowerInvariant() + ".corp.example", AgentVersion = "1.0.0-test", OsVersion = "Windows Server 2022" },
            AgentJson.Options,
            TestContext.Current.CancellationToken);

    public static async Task<TestAgent> EnrollAsync(this PortalFactory portal, ServerRole role, string machineName)
    {
        var token = await portal.CreateTokenAsync(role);
        using var response = await portal.PostEnrollAsync(token, machineName);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.IsSuccessStatusCode.ShouldBeTrue($"enrolling {machineName} should succeed, got {(int)response.StatusCode}: {body}");
        var enrollment = System.Text.Json.JsonSerializer.Deserialize<EnrollResponse>(body, AgentJson.Options)!;
        return portal.AgentClient(enrollment, machineName);
    }

    public static TestAgent AgentClient(this PortalFactory portal, EnrollResponse enrollment, string machineName)
    {
        var client = portal.CreateApiClient(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", enrollment.Credential);
        return new TestAgent(client, enrollment, machineName);
    }
}

/// <summary>Realistic snapshots with real certificates, for the portal's ingestion tests.</summary>
public static class Snapshots
{
    /// <summary>An hour before the tests started, to the second (as RRAS reports it).</summary>
    public static readonly DateTimeOffset SessionsStartedAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds());

    public static readonly Guid SstpAppId = Guid.Parse("ba195980-cd49-458b-9e23-c84ee0adcd75");

    private static readonly Lazy<X509Certificate2> Sstp = new(() => Create("CN=vpn.corp.example", "vpn.corp.example", true));
    private static readonly Lazy<X509Certificate2> Revoked = new(() => Create("CN=LT-4821.corp.example", "LT-4821.corp.example", false));

    public static X509Certificate2 SstpCertificate => Sstp.Value;
    public static X509Certificate2 RevokedDeviceCertificate => Revoked.Value;

    public static ReportedSession Session(string user, ReportedTunnelType tunnel = ReportedTunnelType.Sstp, long bytesIn = 1000, long bytesOut = 2000, DateTimeOffset? start = null, string address = "10.20.0.5") => new()
    {
        UserNames = [user],
        HostName = "LAPTOP-" + Math.Abs(user.GetHashCode() % 10000),
        ClientExternalAddress = "203.0.113.10",
        ClientIpAddresses = [address],
        TunnelType = tunnel,
        AuthMethod = "EAP",
        ConnectionStartTime = start ?? SessionsStartedAt,
        ConnectionDurationSeconds = 600,
        TotalBytesIn = bytesIn,
        TotalBytesOut = bytesOut,
    };

    public static AgentSnapshot Rras(TestAgent agent, params ReportedSession[] sessions) => Rras(agent, agent.Next(), sessions);

    public static AgentSnapshot Rras(TestAgent agent, long sequence, IReadOnlyList<ReportedSession> sessions, IReadOnlyList<ReportedCertificate>? certificates = null) => new()
    {
        Sequence = sequence,
        TakenAt = DateTimeOffset.UtcNow,
        MachineName = agent.MachineName,
        HostFqdn = agent.MachineName.ToLowerInvariant() + ".corp.example",
        AgentVersion = "1.0.0-test",
        Rras = new RrasState
        {
            Sessions = sessions,
            Summary = new ConnectionSummary
            {
                TotalConnections = sessions.Count,
                TotalUniqueUsers = sessions.Select(s => s.UserNames[0]).Distinct().Count(),
                TotalBytesIn = sessions.Sum(s => s.TotalBytesIn),
                TotalBytesOut = sessions.Sum(s => s.TotalBytesOut),
            },
            SslBindings =
            [
                new ReportedSslBinding { IpPort = "0.0.0.0:443", CertificateHash = SstpCertificate.Thumbprint, ApplicationId = SstpAppId, CertificateStoreName = "MY" },
                new ReportedSslBinding { IpPort = "[::]:443", CertificateHash = SstpCertificate.Thumbprint, ApplicationId = SstpAppId, CertificateStoreName = "MY" },
            ],
            Sstp = new SstpParameters { ListenerPort = 443, UseHttps = true },
            ConfiguredSstpCertificateSha1 = SstpCertificate.Thumbprint,
            Ikev2FragmentationEnabled = true,
            RadiusServers = [new ReportedRadiusServer { Address = "nps01.corp.example", TimeoutSeconds = 60 }],
        },
        Certificates = certificates ?? [CertificateReport.From(SstpCertificate, CertificateStoreKind.My), CertificateReport.From(RevokedDeviceCertificate, CertificateStoreKind.Disallowed)],
    };

    public static AgentSnapshot Nps(TestAgent agent) => new()
    {
        Sequence = agent.Next(),
        TakenAt = DateTimeOffset.UtcNow,
        MachineName = agent.MachineName,
        AgentVersion = "1.0.0-test",
        Nps = new NpsState { MfaExtension = new MfaExtensionReport { Installed = true, Version = "1.2.2216.1", CertificateSha1 = SstpCertificate.Thumbprint } },
        Certificates = [CertificateReport.From(SstpCertificate, CertificateStoreKind.My)],
    };

    private static X509Certificate2 Create(string subject, string dns, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dns);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(200));
    }
}
