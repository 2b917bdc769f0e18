using System.Net;
using System.Net.Http.Json;
using Shouldly;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.AgentApi;

public sealed class EnrollmentTokensApiTests
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

    [Theory]
    [InlineData("""{"role":"Rras","validForMinutes":0}""", "validForMinutes")]
    [InlineData("""{"role":"Firewall"}""", "role")]
    [InlineData("""{}""", "role")]
    public async Task Create_BadRequest_Is400AndCreatesNothing(string body, string mentions)
    {
        await using var portal = await PortalFactory.StartAsync();
        var admin = await portal.CreateUserAsync(Roles.Admin);
        using var api = portal.CreateApiClient(await portal.CreateApiKeyAsync(admin));
        var before = await portal.CountRowsAsync();

        using var response = await api.PostAsync(PortalApiRoutes.EnrollmentTokens, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain(mentions, Case.Insensitive);
        (await portal.CountRowsAsync()).ShouldEqual(before, "a refused request creates no token");
    }
}
