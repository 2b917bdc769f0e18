using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Users;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Users;

public sealed class UsersApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpClient Client(PortalFactory api, string? key)
    {
        var client = api.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    [Fact]
    public async Task GetUsers_WithAnAdminKey_ReturnsAccountsAndRolesButNoSecretsOrPhoneNumbers()
    {
        await using var f = await UserAdminFixture.CreateAsync(TestDatabase.Sqlite);
        var ana = await f.AddUserAsync("ana@corp.example", Roles.Admin);
        var cy = await f.AddUserAsync("cy@corp.example", Roles.User);
        string hash, stamp, concurrency;
        await using (var db = f.Context())
        {
            await db.Users.Where(u => u.Id == cy).ExecuteUpdateAsync(s => s.SetProperty(u => u.PhoneNumber, "+447700900123"), Ct);
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == cy, Ct);
            (hash, stamp, concurrency) = (user.PasswordHash!, user.SecurityStamp!, user.ConcurrencyStamp!);
        }

        await using var api = await PortalFactory.StartOnAsync(f.Database);
        var response = await Client(api, await f.AddApiKeyAsync(ana)).GetAsync("/api/v1/users?search=cy", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var json = await response.Content.ReadAsStringAsync(Ct);
        var page = JsonSerializer.Deserialize<ListUsers.UserPage>(json, JsonSerializerOptions.Web)!;
        var row = page.Items.ShouldHaveSingleItem();
        (row.Email, row.Roles.Single()).ShouldBe(("cy@corp.example", Roles.User));
        foreach (var secret in new[] { hash, stamp, concurrency, "+447700900123", "passwordHash", "securityStamp", "phoneNumber" })
        {
            json.ShouldNotContain(secret, Case.Insensitive);
        }
    }

    [Fact]
    public async Task GetUsers_WithAnOnCallKey_IsForbiddenAndWithoutAKeyUnauthorized()
    {
        await using var f = await UserAdminFixture.CreateAsync(TestDatabase.Sqlite);
        var oncall = await f.AddUserAsync("olle@corp.example", Roles.OnCall);
        var key = await f.AddApiKeyAsync(oncall);
        await using var api = await PortalFactory.StartOnAsync(f.Database);

        (await Client(api, key).GetAsync("/api/v1/users", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Client(api, null).GetAsync("/api/v1/users", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task GetUsers_FiltersByRoleCapsTakeAndRefusesAnUnknownRole()
    {
        await using var f = await UserAdminFixture.CreateAsync(TestDatabase.Sqlite);
        var ana = await f.AddUserAsync("ana@corp.example", Roles.Admin);
        await f.AddUserAsync("cy@corp.example", Roles.User);
        await using var api = await PortalFactory.StartOnAsync(f.Database);
        var client = Client(api, await f.AddApiKeyAsync(ana));

        var admins = await client.GetFromJsonAsync<ListUsers.UserPage>("/api/v1/users?role=admin&take=100000", JsonSerializerOptions.Web, Ct);
        var unknown = await client.GetAsync("/api/v1/users?role=Superuser", Ct);

        admins!.Items.Select(u => u.Email).ShouldBe(["ana@corp.example"]);
        admins.Take.ShouldBe(ListUsers.MaxTake);
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadAsStringAsync(Ct)).ShouldContain("'Superuser' is not a role");
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheUsersAndAuditEndpointsAndTheirResults()
    {
        await using var f = await UserAdminFixture.CreateAsync(TestDatabase.Sqlite);
        var ana = await f.AddUserAsync("ana@corp.example", Roles.Admin);
        await using var api = await PortalFactory.StartOnAsync(f.Database);

        using var doc = JsonDocument.Parse(await Client(api, await f.AddApiKeyAsync(ana)).GetStringAsync("/openapi/v1.json", Ct));

        var paths = doc.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/users", "/api/v1/audit" })
        {
            var operations = paths.GetProperty(path).EnumerateObject().Select(o => o.Name).ToList();
            operations.ShouldBe(["get"], $"{path} must be read-only");
            var responses = paths.GetProperty(path).GetProperty("get").GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            responses.ShouldBe(["200", "400"], ignoreOrder: true);
        }

        var schemas = doc.RootElement.GetProperty("components").GetProperty("schemas");
        var userRow = schemas.GetProperty("UserRow").GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        userRow.ShouldContain("roles");
        userRow.ShouldNotContain("passwordHash");
        schemas.GetProperty("AuditRow").GetProperty("properties").TryGetProperty("beforeJson", out _).ShouldBeTrue();
    }
}
