using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Audit;
using VpnPortal.Web.Features.Users;
using VpnPortal.Web.Tests.Features.Users;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Audit;

public sealed class AuditApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetAudit_WithAnAdminKey_FiltersByActionPrefixNewestFirst()
    {
        await using var f = await UserAdminFixture.CreateAsync(TestDatabase.Sqlite);
        var ana = await f.AddUserAsync("ana@corp.example", Roles.Admin);
        var cy = await f.AddUserAsync("cy@corp.example", Roles.User);
        var edit = UpdateUser.Request.From(await f.GetAsync(cy));
        edit.Roles = [Roles.OnCall];
        await f.RunAsync((db, users) => new UpdateUser(db, users).RunAsync(edit, Ct));
        await using var api = await PortalFactory.StartOnAsync(f.Database);
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await f.AddApiKeyAsync(ana));

        var page = await client.GetFromJsonAsync<QueryAuditLog.AuditPage>($"/api/v1/audit?action=user.role-&entityId={cy}", JsonSerializerOptions.Web, Ct);

        page!.Items.Select(e => e.Summary).ShouldBe(
            ["Role OnCall granted to cy@corp.example", "Role User revoked from cy@corp.example", "Role User granted to cy@corp.example"],
            ignoreOrder: true);
        page.Items.Select(e => e.Id).ShouldBeInOrder(SortDirection.Descending);
    }

    [Fact]
    public async Task GetAudit_StartAfterEnd_IsAValidationProblem()
    {
        await using var f = await UserAdminFixture.CreateAsync(TestDatabase.Sqlite);
        var ana = await f.AddUserAsync("ana@corp.example", Roles.Admin);
        await using var api = await PortalFactory.StartOnAsync(f.Database);
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await f.AddApiKeyAsync(ana));

        var response = await client.GetAsync("/api/v1/audit?from=2026-11-23T00:00:00Z&to=2026-11-22T00:00:00Z", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("The start of the date range must be before its end.");
    }

    [Fact]
    public async Task Portal_HasNoEndpointThatChangesTheAuditLog()
    {
        await using var f = await UserAdminFixture.CreateAsync(TestDatabase.Sqlite);
        await using var api = await PortalFactory.StartOnAsync(f.Database);
        _ = api.Server; // builds the host and its endpoints

        var auditEndpoints = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.Contains("audit", StringComparison.OrdinalIgnoreCase) == true)
            .ToList();

        auditEndpoints.Select(e => e.RoutePattern.RawText).ShouldBe(["/api/v1/audit", "/audit", "/export/audit.csv"], ignoreOrder: true);
        foreach (var path in new[] { "/api/v1/audit", "/export/audit.csv" })
        {
            auditEndpoints.Single(e => e.RoutePattern.RawText == path).Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.ShouldBe(["GET"]);
        }
    }
}
