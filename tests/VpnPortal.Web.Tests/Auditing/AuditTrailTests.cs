using System.Data.Common;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Setup;
using VpnPortal.Web.Tests.Servers;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Auditing;

/// <summary>People's changes leave who, what, when, before and after in an audit log nothing can edit or delete.</summary>
public sealed class AuditTrailTests
{
    [Fact]
    public async Task ServerChangesThroughHandlers_EachAuditedWithWhoWhatWhenBeforeAndAfter()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(time: clock);
        var admin = await ServerAdmin.CreateAsync(portal);

        var created = await admin.CreateOkAsync(ServerAdmin.ValidInput("VPN01"));
        var createdAt = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromMinutes(5));
        var edit = ServerAdmin.ValidInput("VPN01");
        edit.Site = "Paris";
        edit.Version = created.Version!.Value;
        var updated = await admin.UpdateAsync(created.Id!.Value, edit);
        var updatedAt = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromMinutes(5));
        var deleted = await admin.DeleteAsync(created.Id.Value, updated.Version!.Value);

        updated.Succeeded.ShouldBeTrue();
        deleted.Succeeded.ShouldBeTrue();
        var entries = await EntriesAsync(portal, e => e.EntityType == "rras-server");
        entries.Select(e => e.Action).ShouldBe(["rras-server.created", "rras-server.updated", "rras-server.deleted"]);
        entries.ShouldAllBe(e => e.ActorUserId == admin.User.Id && e.Actor == admin.User.Email && e.EntityId == created.Id.ToString());
        entries.Select(e => e.OccurredAt).ShouldBe([createdAt, updatedAt, clock.GetUtcNow()]);

        var (create, update, delete) = (entries[0], entries[1], entries[2]);
        create.Summary.ShouldBe("Created RRAS server VPN01");
        create.BeforeJson.ShouldBeNull();
        Json(create.AfterJson)["Site"].GetString().ShouldBe("London");
        Json(update.BeforeJson)["Site"].GetString().ShouldBe("London");
        Json(update.AfterJson)["Site"].GetString().ShouldBe("Paris");
        Json(update.AfterJson).ShouldNotContainKey("Name", "an update records only what changed");
        Json(delete.BeforeJson)["Name"].GetString().ShouldBe("VPN01");
        delete.AfterJson.ShouldBeNull();
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task FirstAdminCreatedOverHttp_AuditsTheAccountItsRoleAndTheSetup(string provider)
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(provider, clock);
        var token = await portal.InScopeAsync(sp => sp.GetRequiredService<FirstAdminSetup>().IssueTokenIfNoUsersAsync(
            TimeSpan.FromHours(1), TestContext.Current.CancellationToken));
        using var browser = portal.CreateBrowser();
        var form = await browser.GetFormAsync($"/setup?token={Uri.EscapeDataString(token!)}", "setup");

        using var response = await browser.SubmitAsync(form, new Dictionary<string, string>
        {
            ["Input.Email"] = "first@corp.example",
            ["Input.DisplayName"] = "First Admin",
            ["Input.Password"] = PortalFactory.Password,
            ["Input.ConfirmPassword"] = PortalFactory.Password,
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var entries = await EntriesAsync(portal, _ => true);
        entries.Select(e => e.Action).ShouldBe(["user.created", "user.role-granted", "setup.first-admin-created"], ignoreOrder: true);
        var user = entries.Single(e => e.Action == "user.created");
        entries.ShouldAllBe(e => e.OccurredAt == clock.GetUtcNow() && e.Actor == "first@corp.example (setup link)" && e.ActorUserId.ToString() == user.EntityId);
        Json(user.AfterJson)["Email"].GetString().ShouldBe("first@corp.example");
        user.AfterJson.ShouldNotBeNull().ShouldNotContain("PasswordHash");
        user.AfterJson!.ShouldNotContain("SecurityStamp");
        entries.Single(e => e.Action == "user.role-granted").Summary.ShouldBe("Role Admin granted to first@corp.example");
    }

    [Fact]
    public async Task SignInOverHttp_AuditsWhoSignedInAndWhoFailed()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var portal = await PortalFactory.StartAsync(time: clock);
        var user = await portal.CreateUserAsync(Roles.OnCall);
        using var wrong = portal.CreateBrowser();

        using var failed = await wrong.SignInAsync(user.Email, "not the password");
        using var browser = await portal.SignInAsync(user);

        failed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var failure = (await EntriesAsync(portal, e => e.Action == "account.sign-in-failed")).ShouldHaveSingleItem();
        failure.Summary.ShouldBe($"Failed sign-in for '{user.Email}': wrong password");
        var success = (await EntriesAsync(portal, e => e.Action == "account.signed-in")).ShouldHaveSingleItem();
        success.ActorUserId.ShouldBe(user.Id);
        success.Actor.ShouldBe(user.Email);
        success.OccurredAt.ShouldBe(clock.GetUtcNow());
    }

    [Fact]
    public async Task Routes_NoneCanReplaceOrDeleteAnything_AndNoAuditRouteAcceptsWrites()
    {
        await using var portal = await PortalFactory.StartAsync();
        // Pages answer POST for their own forms; everything else that accepts a write is listed in the matrix and
        // reviewed there. No route may accept DELETE, PUT or PATCH, and no non-page route about the audit log may
        // accept anything but reads. (The database refuses edits anyway: see the test below.)
        var routes = PortalRoutes.All(portal.Services);

        // Reviewed exceptions, each with why it is safe.
        string[] reviewed =
        [
            // Asks for a fleet-wide removal from the untrusted set: audited, and the entry leaves the set only once the
            // servers' reports show the certificate gone (UntrustedCertificates tests, decision 0012).
            "DELETE /api/v1/untrusted-certificates/{thumbprint}",

            // Removes on-call cover (its own for an OnCall user, anyone's for an admin); the deletion is audited with the
            // cover's fields (OnCallTests).
            "DELETE /api/v1/on-call/overrides/{id:guid}",
        ];
        var replacing = routes.Where(r => r.Methods.Any(m => m is "DELETE" or "PUT" or "PATCH")).Select(r => r.Key).Except(reviewed).ToList();
        var auditWrites = routes
            .Where(r => r.Pattern.Contains("audit", StringComparison.OrdinalIgnoreCase) && !r.IsPage)
            .Where(r => r.Methods.Count == 0 || r.Methods.Any(m => m is not ("GET" or "HEAD")))
            .Select(r => r.Key)
            .ToList();

        replacing.ShouldBeEmpty("no route may replace or delete: a new one must be reviewed and this test changed with it");
        auditWrites.ShouldBeEmpty("no route may write to the audit log");
        routes.ShouldContain(r => r.Key == "POST /account/sign-out", "the route list is real (control)");
        reviewed.ShouldAllBe(k => routes.Any(r => r.Key == k), "a reviewed exception names a route the portal still maps");
    }

    [Theory]
    [MemberData(nameof(DatabaseProviders.All), MemberType = typeof(DatabaseProviders))]
    public async Task AuditEntries_EditOrDeleteByCodeOrSql_Refused(string provider)
    {
        await using var portal = await PortalFactory.StartAsync(provider);
        var admin = await ServerAdmin.CreateAsync(portal);
        await admin.CreateOkAsync(ServerAdmin.ValidInput("VPN01"));
        var original = (await EntriesAsync(portal, e => e.Action == "rras-server.created")).ShouldHaveSingleItem();

        var edit = await Should.ThrowAsync<AuditLogAppendOnlyException>(() => portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            var entry = await db.AuditEntries.SingleAsync(e => e.Id == original.Id, TestContext.Current.CancellationToken);
            entry.Summary = "Nothing happened";
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }));
        await Should.ThrowAsync<AuditLogAppendOnlyException>(() => portal.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<PortalDbContext>();
            db.AuditEntries.Remove(await db.AuditEntries.SingleAsync(e => e.Id == original.Id, TestContext.Current.CancellationToken));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }));
        // Bulk statements skip the change tracker; the database's triggers refuse them.
        await Should.ThrowAsync<DbException>(() => portal.InScopeAsync(sp => sp.GetRequiredService<PortalDbContext>().AuditEntries
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Summary, "Nothing happened"), TestContext.Current.CancellationToken)));
        await Should.ThrowAsync<DbException>(() => portal.InScopeAsync(sp => sp.GetRequiredService<PortalDbContext>().AuditEntries
            .ExecuteDeleteAsync(TestContext.Current.CancellationToken)));

        edit.Message.ShouldContain("append-only");
        var after = (await EntriesAsync(portal, e => e.Id == original.Id)).ShouldHaveSingleItem();
        after.Summary.ShouldBe(original.Summary);
        (await EntriesAsync(portal, _ => true)).Count.ShouldBeGreaterThanOrEqualTo(2, "the entries are all still there");
    }

    private static async Task<List<AuditEntry>> EntriesAsync(PortalFactory portal, System.Linq.Expressions.Expression<Func<AuditEntry, bool>> filter)
    {
        await using var db = portal.Database.CreateContext();
        return await db.AuditEntries.AsNoTracking().Where(filter).OrderBy(e => e.Id).ToListAsync(TestContext.Current.CancellationToken);
    }

    private static Dictionary<string, JsonElement> Json(string? json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json.ShouldNotBeNull())!;
}
