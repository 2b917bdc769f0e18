using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Servers;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Servers;

public sealed class SaveNpsServerTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async ValueTask InitializeAsync() => _db = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static NpsServerInput Input(string name = "NPS01", int timeout = 60) => new()
    {
        Name = name,
        HostFqdn = $"{name}.corp.example",
        Site = "London",
        RadiusTimeoutSeconds = timeout,
        MfaExtension = MfaExtensionState.Installed,
        Notes = "Primary RADIUS server",
    };

    [Fact]
    public async Task Create_ValidInput_SavesTheServerNormalisedAndAudits()
    {
        await using (var ctx = _db.CreateContext(TestActors.Admin))
        {
            var input = Input();
            input.HostFqdn = " NPS01.Corp.Example ";
            var result = await new SaveNpsServer(ctx).CreateAsync(input, Ct);
            result.Status.ShouldBe(CommandStatus.Ok);
        }

        await using var check = _db.CreateContext();
        var saved = await check.NpsServers.SingleAsync(Ct);
        saved.Name.ShouldBe("NPS01");
        saved.HostFqdn.ShouldBe("nps01.corp.example");
        saved.RadiusTimeoutSeconds.ShouldBe(60);
        saved.MfaExtension.ShouldBe(MfaExtensionState.Installed);
        saved.Role.ShouldBe(ServerRole.Nps);
        (await check.AuditEntries.SingleAsync(Ct)).Action.ShouldBe("nps-server.created");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(601)]
    public async Task Create_TimeoutOutsideOneToSixHundred_IsRefusedAndNothingIsWritten(int timeout)
    {
        await using var ctx = _db.CreateContext(TestActors.Admin);
        var result = await new SaveNpsServer(ctx).CreateAsync(Input(timeout: timeout), Ct);

        result.Status.ShouldBe(CommandStatus.Invalid);
        result.Errors[nameof(NpsServerInput.RadiusTimeoutSeconds)].ShouldContain("between 1 and 600");
        (await ctx.Servers.CountAsync(Ct)).ShouldBe(0);
        (await ctx.AuditEntries.CountAsync(Ct)).ShouldBe(0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    [InlineData(59)]
    public async Task Create_TimeoutUnderSixtySeconds_IsSaved_TheWarningIsNoError(int timeout)
    {
        var input = Input(timeout: timeout);
        input.Validate().ShouldBeEmpty();

        await using (var ctx = _db.CreateContext(TestActors.Admin))
        {
            (await new SaveNpsServer(ctx).CreateAsync(input, Ct)).Succeeded.ShouldBeTrue();
        }

        await using var check = _db.CreateContext();
        (await check.NpsServers.SingleAsync(Ct)).RadiusTimeoutSeconds.ShouldBe(timeout);
    }

    [Fact]
    public async Task Create_BadTextFields_AreRefusedWithAFieldError()
    {
        var input = Input();
        input.Name = "nps01.corp.example";
        input.HostFqdn = "https://nps01.corp.example";
        input.Site = "Lon\u0007don";
        input.Notes = new string('n', 2001);
        await using var ctx = _db.CreateContext(TestActors.Admin);

        var result = await new SaveNpsServer(ctx).CreateAsync(input, Ct);

        result.Errors.Keys.ShouldBe(["Name", "HostFqdn", "Site", "Notes"], ignoreOrder: true);
        result.Errors["Name"].ShouldContain("without the domain");
        result.Errors["HostFqdn"].ShouldContain("not a URL");
        result.Errors["Site"].ShouldContain("control characters");
        result.Errors["Notes"].ShouldContain("at most 2000");
        (await ctx.Servers.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Create_NameOfAnRrasServerInAnotherCase_IsRefused()
    {
        await using (var ctx = _db.CreateContext(TestActors.Admin))
        {
            (await new SaveRrasServer(ctx).CreateAsync(new RrasServerInput { Name = "EDGE01", PublicFqdns = "vpn.corp.example" }, Ct)).Succeeded.ShouldBeTrue();
        }

        await using var second = _db.CreateContext(TestActors.Admin);
        var result = await new SaveNpsServer(second).CreateAsync(Input("edge01"), Ct);

        result.Status.ShouldBe(CommandStatus.Invalid);
        result.Errors["Name"].ShouldBe("A server named edge01 already exists.");
        (await second.NpsServers.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Update_FromTheCurrentVersion_ChangesTheServer()
    {
        var (id, version) = await CreateAsync(Input());
        var edit = Input();
        edit.Version = version;
        edit.RadiusTimeoutSeconds = 90;
        edit.MfaExtension = MfaExtensionState.NotInstalled;

        await using (var ctx = _db.CreateContext(TestActors.Admin))
        {
            var result = await new SaveNpsServer(ctx).UpdateAsync(id, edit, Ct);
            result.Succeeded.ShouldBeTrue();
            result.Version.ShouldNotBe(version);
        }

        await using var check = _db.CreateContext();
        var saved = await check.NpsServers.SingleAsync(Ct);
        saved.RadiusTimeoutSeconds.ShouldBe(90);
        saved.MfaExtension.ShouldBe(MfaExtensionState.NotInstalled);
        (await check.AuditEntries.OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(Ct)).ShouldBe(["nps-server.created", "nps-server.updated"]);
    }

    [Fact]
    public async Task Update_FromAStaleVersion_IsAConflictAndKeepsTheOtherAdminsChange()
    {
        var (id, version) = await CreateAsync(Input());
        var first = Input();
        first.Version = version;
        first.RadiusTimeoutSeconds = 120;
        await using (var ctx = _db.CreateContext(TestActors.Admin))
        {
            (await new SaveNpsServer(ctx).UpdateAsync(id, first, Ct)).Succeeded.ShouldBeTrue();
        }

        var stale = Input();
        stale.Version = version;
        stale.RadiusTimeoutSeconds = 30;
        await using var second = _db.CreateContext(TestActors.Admin);
        var result = await new SaveNpsServer(second).UpdateAsync(id, stale, Ct);

        result.Status.ShouldBe(CommandStatus.Conflict);
        await using var check = _db.CreateContext();
        (await check.NpsServers.SingleAsync(Ct)).RadiusTimeoutSeconds.ShouldBe(120);
    }

    [Fact]
    public async Task Update_AnRrasServerId_IsNotFound()
    {
        Guid rrasId;
        await using (var ctx = _db.CreateContext(TestActors.Admin))
        {
            rrasId = (await new SaveRrasServer(ctx).CreateAsync(new RrasServerInput { Name = "VPN01", PublicFqdns = "vpn.corp.example" }, Ct)).Id!.Value;
        }

        await using var second = _db.CreateContext(TestActors.Admin);
        (await new SaveNpsServer(second).UpdateAsync(rrasId, Input(), Ct)).Status.ShouldBe(CommandStatus.NotFound);
    }

    [Fact]
    public async Task Delete_FromAStaleVersion_IsAConflict_AndFromTheCurrentOne_Removes()
    {
        var (id, version) = await CreateAsync(Input());
        var edit = Input();
        edit.Version = version;
        edit.Site = "Paris";
        Guid current;
        await using (var ctx = _db.CreateContext(TestActors.Admin))
        {
            current = (await new SaveNpsServer(ctx).UpdateAsync(id, edit, Ct)).Version!.Value;
        }

        await using (var ctx = _db.CreateContext(TestActors.Admin))
        {
            (await new DeleteServer(ctx).DeleteAsync(id, version, Ct)).Status.ShouldBe(CommandStatus.Conflict);
        }

        await using (var ctx = _db.CreateContext(TestActors.Admin))
        {
            (await new DeleteServer(ctx).DeleteAsync(id, current, Ct)).Succeeded.ShouldBeTrue();
        }

        await using var check = _db.CreateContext();
        (await check.Servers.CountAsync(Ct)).ShouldBe(0);
        (await check.AuditEntries.CountAsync(a => a.Action == "nps-server.deleted", Ct)).ShouldBe(1);
    }

    private async Task<(Guid Id, Guid Version)> CreateAsync(NpsServerInput input)
    {
        await using var ctx = _db.CreateContext(TestActors.Admin);
        var result = await new SaveNpsServer(ctx).CreateAsync(input, Ct);
        result.Succeeded.ShouldBeTrue();
        return (result.Id!.Value, result.Version!.Value);
    }
}
