using System.Net;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Testing;
using VpnPortal.Web.Cli;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Cli;

/// <summary>`VpnPortal.Web admin ...` against a real database, then the portal on that same database.</summary>
public sealed class AdminCliTests
{
    private const string Email = "ops@corp.example";

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task CreateUser_AdminRole_CanSignInAndOpenAdminPages(string provider)
    {
        await using var db = await TestDatabase.CreateEmptyAsync(provider);

        var run = await RunAsync(db, "create-user", "--email", Email, "--password", PortalFactory.Password, "--role", "admin", "--name", "Ops Person");

        run.Exit.ShouldBe(0, run.Err);
        run.Out.ShouldContain($"Created Admin {Email}");
        await using var portal = await PortalFactory.StartOnAsync(db);
        using var browser = await portal.SignInAsync(new TestUser(Guid.Empty, Email, PortalFactory.Password, Roles.Admin));
        using var adminPage = await browser.GetAsync("/servers/rras/new");
        adminPage.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CreateApiKey_PrintsOnlyTheKey_WhichAuthenticatesAgainstThePortal()
    {
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        (await RunAsync(db, "create-user", "--email", Email, "--password", PortalFactory.Password, "--role", "OnCall")).Exit.ShouldBe(0);

        var run = await RunAsync(db, "create-api-key", "--email", Email, "--name", "monitoring");

        run.Exit.ShouldBe(0, run.Err);
        var key = run.Out.TrimEnd('\r', '\n');
        key.ShouldStartWith("vpk_");
        key.ShouldNotContain("\n", customMessage: "stdout holds the key alone, so scripts can capture it");
        run.Err.ShouldContain("shown only now");
        await using var portal = await PortalFactory.StartOnAsync(db);
        using var api = portal.CreateApiClient(key);
        (await api.GetAsync("/api/v1/servers", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CreateApiKey_ValidFor_SetsTheExpiry_AndNoMoreThanTheMaximum()
    {
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        (await RunAsync(db, "create-user", "--email", Email, "--password", PortalFactory.Password, "--role", "OnCall")).Exit.ShouldBe(0);

        var month = await RunAsync(db, "create-api-key", "--email", Email, "--name", "monitoring", "--valid-for", "30d");
        var tooLong = await RunAsync(db, "create-api-key", "--email", Email, "--name", "forever", "--valid-for", "400d");
        var notADuration = await RunAsync(db, "create-api-key", "--email", Email, "--name", "soon", "--valid-for", "soon");

        month.Exit.ShouldBe(0, month.Err);
        month.Err.ShouldContain("valid until");
        tooLong.Exit.ShouldBe(1);
        tooLong.Err.ShouldContain("A key may live from 1 to 365 days.");
        notADuration.Exit.ShouldBe(2);
        await using var context = db.CreateContext();
        var key = await context.ApiKeys.SingleAsync(TestContext.Current.CancellationToken);
        (key.Name, key.ExpiresAt - key.CreatedAt).ShouldBe(("monitoring", TimeSpan.FromDays(30)));
    }

    [Fact]
    public async Task CreateUser_UnknownRole_Exits2AndCreatesNobody()
    {
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);

        var run = await RunAsync(db, "create-user", "--email", Email, "--password", PortalFactory.Password, "--role", "Superuser");

        run.Exit.ShouldBe(2);
        run.Err.ShouldContain("--role must be one of Admin, OnCall, User");
        (await UserCountAsync(db)).ShouldBe(0);
    }

    [Theory]
    [InlineData(Email)]
    [InlineData("OPS@Corp.Example")]
    public async Task CreateUser_EmailTaken_Exits1AndKeepsTheFirst(string secondEmail)
    {
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        (await RunAsync(db, "create-user", "--email", Email, "--password", PortalFactory.Password, "--role", "User")).Exit.ShouldBe(0);

        var run = await RunAsync(db, "create-user", "--email", secondEmail, "--password", "another long password", "--role", "Admin");

        run.Exit.ShouldBe(1);
        run.Err.ShouldContain("already exists");
        (await UserCountAsync(db)).ShouldBe(1);
    }

    [Theory]
    [InlineData("delete-everything", "unknown verb 'delete-everything'")]
    [InlineData("create-user --email ops@corp.example --role Admin", "--password is required")]
    [InlineData("create-api-key --email ops@corp.example", "--name is required")]
    public async Task Cli_UnknownVerbOrMissingOption_Exits2WithUsage(string commandLine, string message)
    {
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);

        var run = await RunAsync(db, commandLine.Split(' '));

        run.Exit.ShouldBe(2);
        run.Err.ShouldContain(message);
        run.Err.ShouldContain("usage:");
    }

    [Fact]
    public async Task CreateUser_WeakPasswordOrBadEmail_Exits1WithTheReason()
    {
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);

        var weak = await RunAsync(db, "create-user", "--email", Email, "--password", "short", "--role", "Admin");
        var badEmail = await RunAsync(db, "create-user", "--email", "not-an-email", "--password", PortalFactory.Password, "--role", "Admin");

        weak.Exit.ShouldBe(1);
        weak.Err.ShouldContain("at least 12 characters");
        badEmail.Exit.ShouldBe(1);
        badEmail.Err.ShouldContain("Enter a valid e-mail address");
        (await UserCountAsync(db)).ShouldBe(0, "a refused password leaves no half-made account");
    }

    [Fact]
    public async Task Cli_HostOptionGivenWithASpace_UsesThatDatabase()
    {
        // "--Database:ConnectionString <value>" is how every other option of the CLI is written; it must not
        // silently fall back to the default database under the content root.
        await using var db = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        var contentRoot = Directory.CreateTempSubdirectory("vpnportal-cli-").FullName;
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var exit = await AdminCli.RunAsync(
                ["create-user", "--email", Email, "--password", PortalFactory.Password, "--role", "Admin",
                 "--contentRoot", contentRoot, "--Database:Provider", db.Provider, "--Database:ConnectionString", db.ConnectionString, .. KeyEncryptionCertificate.Arguments],
                stdout,
                stderr);

            exit.ShouldBe(0, stderr.ToString());
            (await UserCountAsync(db)).ShouldBe(1);
            Directory.Exists(Path.Combine(contentRoot, "data")).ShouldBeFalse("nothing may be written to a default database");
        }
        finally
        {
            Directory.Delete(contentRoot, recursive: true);
        }
    }

    [Fact]
    public async Task Cli_SqlServerUnreachable_Exits1NamingTheServer()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await AdminCli.RunAsync(
            ["create-user", "--email", Email, "--password", PortalFactory.Password, "--role", "Admin",
             "--Database:Provider=SqlServer", "--Database:ConnectionString=Server=tcp:127.0.0.1,1;Database=vpnportal;Integrated Security=true;Connect Timeout=3",
             .. KeyEncryptionCertificate.Arguments],
            stdout,
            stderr);

        exit.ShouldBe(1);
        stderr.ToString().ShouldStartWith("Cannot reach SQL Server at tcp:127.0.0.1,1: ");
        stderr.ToString().ShouldContain("; check Database:ConnectionString.");
        stdout.ToString().ShouldBeEmpty();
    }

    /// <summary>Runs a verb as `VpnPortal.Web admin ...` would, with the database given as host options.</summary>
    internal static async Task<(int Exit, string Out, string Err)> RunAsync(TestDatabase db, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AdminCli.RunAsync(
            [.. args, $"--Database:Provider={db.Provider}", $"--Database:ConnectionString={db.ConnectionString}", .. KeyEncryptionCertificate.Arguments], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static async Task<int> UserCountAsync(TestDatabase db)
    {
        await using var context = db.CreateContext();
        return await context.Users.CountAsync(TestContext.Current.CancellationToken);
    }
}
