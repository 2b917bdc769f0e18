using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Servers;
using Xunit;

namespace VpnPortal.Web.Tests.Features.Servers;

/// <summary>The RRAS save now rests on the shared server save: these pin the behaviour it had before.</summary>
public sealed class SaveRrasServerTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async ValueTask InitializeAsync() => _db = await TestDatabase.CreateMigratedAsync(TestDatabase.Sqlite);

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RrasServerInput Input(string name = "VPN01") => new()
    {
        Name = name,
        HostFqdn = "vpn01.corp.example",
        PublicFqdns = "VPN.corp.example\nvpn2.corp.example, vpn.corp.example",
        Site = " London ",
        TlsOffload = true,
        LoadBalancerCertificateSha256 = string.Join(':', Enumerable.Repeat("ab", 32)),
    };

    [Fact]
    public async Task Create_SavesRoleFieldsAndCommonFieldsNormalised()
    {
        await using (var ctx = _db.CreateContext(TestActors.Admin))
        {
            (await new SaveRrasServer(ctx).CreateAsync(Input(), Ct)).Succeeded.ShouldBeTrue();
        }

        await using var check = _db.CreateContext();
        var saved = await check.RrasServers.SingleAsync(Ct);
        saved.Site.ShouldBe("London");
        saved.PublicFqdns.ShouldBe(["vpn.corp.example", "vpn2.corp.example"]);
        saved.Protocols.ShouldBe(VpnProtocols.Sstp | VpnProtocols.Ikev2);
        saved.LoadBalancerCertificateSha256.ShouldBe(string.Concat(Enumerable.Repeat("AB", 32)));
        (await check.AuditEntries.SingleAsync(Ct)).Action.ShouldBe("rras-server.created");
    }

    [Fact]
    public async Task Create_WithoutProtocolsOrPublicNames_IsRefused()
    {
        var input = Input();
        input.PublicFqdns = "";
        input.Sstp = input.Ikev2 = false;
        input.SstpListenerPort = 0;
        await using var ctx = _db.CreateContext(TestActors.Admin);

        var result = await new SaveRrasServer(ctx).CreateAsync(input, Ct);

        result.Errors.Keys.ShouldBe(["PublicFqdns", "Sstp", "SstpListenerPort"], ignoreOrder: true);
        (await ctx.Servers.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Update_RenamingOntoAnNpsServersName_IsRefused()
    {
        Guid id, version;
        await using (var ctx = _db.CreateContext(TestActors.Admin))
        {
            var created = await new SaveRrasServer(ctx).CreateAsync(Input(), Ct);
            (id, version) = (created.Id!.Value, created.Version!.Value);
            (await new SaveNpsServer(ctx).CreateAsync(new NpsServerInput { Name = "NPS01" }, Ct)).Succeeded.ShouldBeTrue();
        }

        var rename = Input("Nps01");
        rename.Version = version;
        await using var second = _db.CreateContext(TestActors.Admin);
        var result = await new SaveRrasServer(second).UpdateAsync(id, rename, Ct);

        result.Errors["Name"].ShouldBe("A server named Nps01 already exists.");
    }

    [Fact]
    public async Task Update_FromAStaleVersion_IsAConflict()
    {
        Guid id, version;
        await using (var ctx = _db.CreateContext(TestActors.Admin))
        {
            var created = await new SaveRrasServer(ctx).CreateAsync(Input(), Ct);
            (id, version) = (created.Id!.Value, created.Version!.Value);
        }

        for (var i = 0; i < 2; i++)
        {
            var edit = Input();
            edit.Version = version;
            edit.Notes = $"edit {i}";
            await using var ctx = _db.CreateContext(TestActors.Admin);
            (await new SaveRrasServer(ctx).UpdateAsync(id, edit, Ct)).Status.ShouldBe(i == 0 ? CommandStatus.Ok : CommandStatus.Conflict);
        }
    }
}
