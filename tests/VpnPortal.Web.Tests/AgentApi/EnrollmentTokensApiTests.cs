using System.Net;
using System.Net.Http.Json;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.AgentApi;

public sealed class EnrollmentTokensApiTests(SharedPortals shared) : IClassFixture<SharedPortals>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_WithAdminKey_ReturnsATokenThatEnrollsItsRole()
    {
        await using var portal = await PortalFactory.StartAsync();
        var admin = await portal.CreateUserAsync(Roles.Admin);
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(admin));

        using var response = await api.PostAsJsonAsync(PortalApiRoutes.EnrollmentTokens, new CreateEnrollmentTokenRequest { Role = AgentRole.Nps, ValidForMinutes = 10 }, AgentJson.Options, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var created = (await response.Content.ReadFromJsonAsync<CreatedEnrollmentToken>(AgentJson.Options, Ct))!;
        created.Role.ShouldBe(AgentRole.Nps);
        created.ExpiresAt.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(9), DateTimeOffset.UtcNow.AddMinutes(11));
        using var enrolled = await portal.PostEnrollAsync(created.Token, "NPS01");
        enrolled.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Create_ReplacementForAServer_TakesItsRole_AndEnrollsOnlyThatServer()
    {
        await using var portal = await PortalFactory.StartAsync();
        var admin = await portal.CreateUserAsync(Roles.Admin);
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(admin));
        var nps01 = await portal.EnrollAsync(Data.Entities.ServerRole.Nps, "NPS01");

        using var response = await api.PostAsJsonAsync(PortalApiRoutes.EnrollmentTokens, new CreateEnrollmentTokenRequest { ReplaceServer = "nps01" }, AgentJson.Options, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var created = (await response.Content.ReadFromJsonAsync<CreatedEnrollmentToken>(AgentJson.Options, Ct))!;
        created.Role.ShouldBe(AgentRole.Nps);
        created.ServerName.ShouldBe("NPS01");
        created.ReplacesServerId.ShouldBe(nps01.ServerId);
        using var other = await portal.PostEnrollAsync(created.Token, "NPS02");
        other.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        using var rebuilt = await portal.PostEnrollAsync(created.Token, "NPS01");
        rebuilt.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"replaceServer":"VPN99"}""", "No server named VPN99 is in the portal")]
    [InlineData("""{"role":"Rras","serverName":"VPN01"}""", "VPN01 is already in the portal")]
    [InlineData("""{"replaceServer":"VPN01","role":"Nps"}""", "VPN01 is an RRAS server")]
    [InlineData("""{"role":"Rras","serverName":"VPN 01"}""", "host name")]
    public async Task Create_TokenThatCouldNotBeUsedAsAsked_Is400AndCreatesNothing(string body, string mentions)
    {
        var (portal, api) = await shared.ForTheoryAsync(async s =>
        {
            var portal = s.Own(await PortalFactory.StartAsync());
            var admin = await portal.CreateUserAsync(Roles.Admin);
            var api = s.Own(portal.CreateApiClient(await portal.CreateApiKeyAsync(admin)));
            await portal.EnrollAsync(Data.Entities.ServerRole.Rras, "VPN01");
            return (portal, api);
        });
        var before = await portal.CountRowsWhenSettledAsync();

        using var response = await api.PostAsync(PortalApiRoutes.EnrollmentTokens, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain(mentions);
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused request creates no token");
    }

    [Theory]
    [InlineData("""{"role":"Rras","validForMinutes":0}""", "validForMinutes")]
    [InlineData("""{"role":"Firewall"}""", "role")]
    [InlineData("""{}""", "role")]
    public async Task Create_BadRequest_Is400AndCreatesNothing(string body, string mentions)
    {
        var (portal, api) = await shared.ForTheoryAsync(async s =>
        {
            var portal = s.Own(await PortalFactory.StartAsync());
            var admin = await portal.CreateUserAsync(Roles.Admin);
            return (portal, s.Own(portal.CreateApiClient(await portal.CreateApiKeyAsync(admin))));
        });
        var before = await portal.CountRowsWhenSettledAsync();

        using var response = await api.PostAsync(PortalApiRoutes.EnrollmentTokens, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain(mentions, Case.Insensitive);
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused request creates no token");
    }
}
