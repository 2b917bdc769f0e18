using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shouldly;
using VpnPortal.Domain.Diagnostics;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Tests.Support;
using Xunit;
using static VpnPortal.Web.Tests.UntrustedCertificates.UntrustedFleet;

namespace VpnPortal.Web.Tests.Diagnostics;

/// <summary>
/// The simulated fleet a new admin gets under <c>dotnet run</c>, built from the portal's own <c>Simulation:*</c> settings,
/// reporting over HTTP as real agents do, and evaluated by the real diagnostics: its misconfigurations are found.
/// </summary>
public sealed class SimulatedFleetFindingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] MisconfigurationRules = [SstpRules.BindingMismatch.Id, SstpRules.BindingIncomplete.Id, NpsRules.RadiusTimeoutShortId];

    [Fact]
    public async Task DevelopmentFleet_ByDefault_ShowsTheIpv6BindingLeftOnTheOldCertificateAndTheShortRadiusTimeout()
    {
        var findings = await FindingsOfTheDevelopmentFleetAsync(misconfigurations: null);

        findings.ShouldBe(
        [
            ("RRAS-SIM-01", SstpRules.BindingIncomplete.Id),
            ("RRAS-SIM-01", SstpRules.BindingMismatch.Id),
            ("RRAS-SIM-02", NpsRules.RadiusTimeoutShortId),
        ],
        ignoreOrder: true);
    }

    [Fact]
    public async Task DevelopmentFleet_WithMisconfigurationsOff_ShowsNone()
    {
        var findings = await FindingsOfTheDevelopmentFleetAsync(misconfigurations: "false");

        findings.Where(f => MisconfigurationRules.Contains(f.Rule)).ShouldBeEmpty();
        findings.ShouldBeEmpty("the clean simulated fleet is a healthy one");
    }

    /// <summary>The open findings (server, rule) once every server of a small development fleet has reported and the fleet was evaluated.</summary>
    private static async Task<List<(string Server, string Rule)>> FindingsOfTheDevelopmentFleetAsync(string? misconfigurations)
    {
        // The simulated organisation uses phone-call MFA, as the development launch profile says.
        var settings = new Dictionary<string, string> { ["Diagnostics:PhoneCallMfa"] = "true" };
        if (misconfigurations is not null)
        {
            settings["Simulation:Misconfigurations"] = misconfigurations;
        }

        await using var diagnostics = await DiagnosticsPortal.StartAsync(settings: settings);
        var portal = diagnostics.Portal;
        var configured = portal.Services.GetRequiredService<IOptions<SimulationSettings>>().Value;
        var small = new SimulationSettings { RrasServers = 3, NpsServers = 1, SessionsPerServer = 2, Misconfigurations = configured.Misconfigurations };
        var options = DevelopmentFleet.FleetOptions(small, new Uri("http://localhost/")) with { StaggerFirstReport = false };
        await SimulatedFleets.RunAsync(portal, options with { Simulation = options.Simulation with { Seed = 7 } }, _ => EventuallyAsync(
            async () => await diagnostics.Admin.GetFromJsonAsync<JsonElement>("/api/v1/servers", Ct),
            s => s.GetProperty("items").EnumerateArray().Count(i => i.GetProperty("lastReportAt").ValueKind == JsonValueKind.String) == 4,
            "every simulated server has reported"));

        await diagnostics.EvaluateAsync();
        await using var db = portal.Database.CreateContext();
        return (await db.DiagnosticFindings.AsNoTracking().Where(f => f.ResolvedAt == null).Select(f => new { f.Server!.Name, f.RuleId }).ToListAsync(Ct))
            .Select(f => (f.Name, f.RuleId))
            .ToList();
    }
}
