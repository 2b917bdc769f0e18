using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data.Auditing;
using VpnPortal.Web.Features;
using VpnPortal.Web.Features.Servers;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Servers;

/// <summary>
/// Runs the server handlers the way the pages do: in a request scope, as a signed-in admin. The pages build the
/// handlers on a context from the scope's factory; ActivatorUtilities builds them on the scope's context, the same thing.
/// </summary>
public sealed class ServerAdmin(PortalFactory portal, TestUser admin)
{
    public TestUser User { get; } = admin;

    public AuditActor Actor => new(AuditActorKind.User, User.Id, User.Email);

    public static async Task<ServerAdmin> CreateAsync(PortalFactory portal) => new(portal, await portal.CreateUserAsync(Data.Roles.Admin));

    /// <summary>A server input that passes validation; tests change one thing in it.</summary>
    public static RrasServerInput ValidInput(string name = "VPN01") => new()
    {
        Name = name,
        HostFqdn = $"{name.ToLowerInvariant()}.corp.example",
        PublicFqdns = "vpn.corp.example",
        Site = "London",
        Notes = "Primary SSTP server",
    };

    public Task<CommandResult> CreateAsync(RrasServerInput input) =>
        portal.InScopeAsync(sp => ActivatorUtilities.CreateInstance<SaveRrasServer>(sp).CreateAsync(input, TestContext.Current.CancellationToken), Actor);

    public Task<CommandResult> UpdateAsync(Guid id, RrasServerInput input) =>
        portal.InScopeAsync(sp => ActivatorUtilities.CreateInstance<SaveRrasServer>(sp).UpdateAsync(id, input, TestContext.Current.CancellationToken), Actor);

    public Task<CommandResult> DeleteAsync(Guid id, Guid version) =>
        portal.InScopeAsync(sp => ActivatorUtilities.CreateInstance<DeleteServer>(sp).DeleteAsync(id, version, TestContext.Current.CancellationToken), Actor);

    public async Task<CommandResult> CreateOkAsync(RrasServerInput input)
    {
        var result = await CreateAsync(input);
        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Messages));
        return result;
    }
}
