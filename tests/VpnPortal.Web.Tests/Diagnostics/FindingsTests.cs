using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Diagnostics;
using VpnPortal.Web.Tests.AgentApi;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Diagnostics;

/// <summary>Findings open when a report shows a known misconfiguration and resolve when a later report shows it fixed.</summary>
public sealed class FindingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Stranger = "0123456789ABCDEF0123456789ABCDEF01234567";

    /// <summary>Someone bound another certificate to the IPv6 listener in IIS: the SSTP "thumbprint is different" failure.</summary>
    private static AgentSnapshot WithIpv6Binding(TestAgent agent, string hash)
    {
        var snapshot = Snapshots.Rras(agent, agent.Next(), []);
        return snapshot with
        {
            Rras = snapshot.Rras! with
            {
                SslBindings =
                [
                    snapshot.Rras.SslBindings[0],
                    snapshot.Rras.SslBindings[1] with { CertificateHash = hash },
                ],
            },
        };
    }

    private static Task<EvaluateFindings.Outcome> EvaluateAsync(PortalFactory portal) =>
        portal.InScopeAsync(sp => sp.GetRequiredService<EvaluateFindings>().RunAsync(null, Ct));

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task ABindingMismatch_OpensAFindingWithItsEvidenceAndFix_AndTheFixedReportResolvesIt(string provider)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(provider, time, services: services => services.WithoutHosted<FindingsEvaluator>());
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await vpn01.ReportAsync(WithIpv6Binding(vpn01, Stranger));
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(Roles.OnCall)));

        var first = await EvaluateAsync(portal);
        first.Opened.ShouldBeGreaterThan(0);
        var open = await api.GetFromJsonAsync<JsonElement>("/api/v1/findings?server=vpn01&rule=sstp.binding-mismatch", Ct);
        var finding = open.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        finding.GetProperty("severity").GetString().ShouldBe("critical");
        var evidence = finding.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("value").GetString()).ToList();
        evidence.ShouldContain(Snapshots.SstpCertificate.Thumbprint);
        evidence.ShouldContain(Stranger);
        string.Join("\n", finding.GetProperty("fixSteps").EnumerateArray().Select(s => s.GetString())).ShouldContain("netsh http delete sslcert ipport=[::]:443");
        var openedAt = finding.GetProperty("openedAt").GetDateTimeOffset();

        // Evaluated again, still broken: the same finding, not a second one.
        time.Advance(TimeSpan.FromMinutes(1));
        (await EvaluateAsync(portal)).Opened.ShouldBe(0);

        time.Advance(TimeSpan.FromMinutes(1));
        await vpn01.ReportAsync(Snapshots.Rras(vpn01, vpn01.Next(), []));
        (await EvaluateAsync(portal)).Resolved.ShouldBeGreaterThan(0);

        (await api.GetFromJsonAsync<JsonElement>("/api/v1/findings?server=vpn01&rule=sstp.binding-mismatch", Ct)).GetProperty("total").GetInt32().ShouldBe(0);
        var history = (await api.GetFromJsonAsync<JsonElement>("/api/v1/findings?server=vpn01&rule=sstp.binding-mismatch&state=resolved", Ct))
            .GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        history.GetProperty("openedAt").GetDateTimeOffset().ShouldBe(openedAt, TimeSpan.FromMilliseconds(1));
        history.GetProperty("resolvedAt").GetDateTimeOffset().ShouldBe(time.GetUtcNow(), TimeSpan.FromMilliseconds(1));
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task AFindingThatKeepsFiringWithOtherValues_IsTheSameFinding_WithItsEvidenceUpdated(string provider)
    {
        const string Another = "FEDCBA9876543210FEDCBA9876543210FEDCBA98";
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = await PortalFactory.StartAsync(provider, time, services: services => services.WithoutHosted<FindingsEvaluator>());
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");
        await vpn01.ReportAsync(WithIpv6Binding(vpn01, Stranger));
        await EvaluateAsync(portal);
        var first = await MismatchAsync(portal);

        time.Advance(TimeSpan.FromMinutes(1));
        await EvaluateAsync(portal);
        var unchanged = await MismatchAsync(portal);
        unchanged.Evidence.Select(e => e.Value).ShouldBe(first.Evidence.Select(e => e.Value));
        unchanged.LastSeenAt.ShouldBe(time.GetUtcNow(), TimeSpan.FromMilliseconds(1));

        time.Advance(TimeSpan.FromMinutes(1));
        await vpn01.ReportAsync(WithIpv6Binding(vpn01, Another));
        await EvaluateAsync(portal);
        var updated = await MismatchAsync(portal);

        updated.Id.ShouldBe(first.Id);
        updated.Evidence.Select(e => e.Value).ShouldContain(Another);
        updated.Evidence.Select(e => e.Value).ShouldNotContain(Stranger);
    }

    private static async Task<DiagnosticFinding> MismatchAsync(PortalFactory portal)
    {
        await using var db = portal.Database.CreateContext();
        return await db.DiagnosticFindings.AsNoTracking().SingleAsync(f => f.RuleId == "sstp.binding-mismatch" && f.ResolvedAt == null, Ct);
    }

    [Fact]
    public async Task AReport_IsEvaluatedInTheBackground_WithoutAnyoneAsking()
    {
        await using var portal = await PortalFactory.StartAsync(settings: new Dictionary<string, string> { ["Diagnostics:MinSecondsBetweenEvaluations"] = "1" });
        var vpn01 = await portal.EnrollAsync(ServerRole.Rras, "VPN01");

        await vpn01.ReportAsync(WithIpv6Binding(vpn01, Stranger));

        await using var db = portal.Database.CreateContext();
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!await db.DiagnosticFindings.AnyAsync(f => f.RuleId == "sstp.binding-mismatch" && f.ResolvedAt == null, Ct))
        {
            DateTime.UtcNow.ShouldBeLessThan(until, "the report's finding opens within seconds");
            await Task.Delay(100, Ct);
        }
    }

    [Theory]
    [InlineData("severity=loud", "severity is info, warning or critical")]
    [InlineData("state=maybe", "state is open, acknowledged, resolved or all")]
    [InlineData("server=VPN99", "There is no server 'VPN99'")]
    [InlineData("take=0", "take must be a whole number")]
    public async Task BadFilters_Are400WithTheReason(string query, string mentions)
    {
        await using var portal = await PortalFactory.StartAsync();
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(await portal.CreateUserAsync(Roles.OnCall)));

        using var response = await api.GetAsync($"/api/v1/findings?{query}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain(mentions);
    }
}
