using System.Net;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Testing;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Cli;

/// <summary>The admin verbs on the built VpnPortal.Web.dll, run as an operator would: `dotnet VpnPortal.Web.dll admin ...`.</summary>
[Trait(TestCategories.Trait, TestCategories.Process)]
public sealed class BuiltPortalCliTests
{
    [Fact]
    public async Task BuiltDll_CreateUserThenCreateApiKey_KeyAuthenticatesAgainstThePortal()
    {
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);

        var user = await RunBuiltAsync(db, "admin", "create-user", "--email", "ops@corp.example", "--password", PortalFactory.Password, "--role", "OnCall");
        var key = await RunBuiltAsync(db, "admin", "create-api-key", "--email", "ops@corp.example", "--name", "monitoring");

        user.Exit.ShouldBe(0, user.Err);
        user.Out.ShouldContain("Created OnCall ops@corp.example");
        key.Exit.ShouldBe(0, key.Err);
        await using (var context = db.CreateContext())
        {
            (await context.Users.SingleAsync(TestContext.Current.CancellationToken)).Email.ShouldBe("ops@corp.example");
        }

        await using var portal = await PortalFactory.StartOnAsync(db);
        using var api = portal.CreateApiClient(key.Out.Trim());
        (await api.GetAsync("/api/v1/servers", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static Task<(int Exit, string Out, string Err)> RunBuiltAsync(TestDatabase db, params string[] args) => BuiltPortal.RunAsync(BuiltPortal.On(db), args);
}
