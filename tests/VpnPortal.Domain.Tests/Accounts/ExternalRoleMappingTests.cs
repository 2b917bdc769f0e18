using Shouldly;
using VpnPortal.Domain.Accounts;
using Xunit;

namespace VpnPortal.Domain.Tests.Accounts;

public sealed class ExternalRoleMappingTests
{
    private static readonly string[] PortalRoles = ["Admin", "OnCall", "User"];
    private const string AdminGroup = "5f0c1a7e-9d1b-4c51-9c1e-0a4f6a1d0001";

    private static readonly Dictionary<string, IReadOnlyCollection<string>> Map = new()
    {
        ["Admin"] = ["VpnPortal.Admin", AdminGroup],
        ["OnCall"] = ["VpnPortal.OnCall"],
        ["User"] = ["VpnPortal.User", "vpn-users"],
    };

    private static ExternalRoleClaims Claims(string[]? roles = null, string[]? groups = null, bool overflow = false) =>
        new(roles ?? [], groups ?? [], overflow);

    [Fact]
    public void Decide_AppRole_GrantsItsPortalRole()
    {
        Decide(Claims(roles: ["VpnPortal.OnCall"])).Roles.ShouldBe(["OnCall"]);
    }

    [Fact]
    public void Decide_GroupId_MatchesWhateverItsCase()
    {
        Decide(Claims(groups: [AdminGroup.ToUpperInvariant()])).Roles.ShouldBe(["Admin"]);
    }

    [Fact]
    public void Decide_GroupName_MatchesExactly()
    {
        Decide(Claims(groups: ["vpn-users"])).Roles.ShouldBe(["User"]);
        Decide(Claims(groups: ["VPN-USERS"])).Refusal.ShouldBe(ExternalRoleMapping.NoRoleReason);
    }

    [Fact]
    public void Decide_AppRoleValues_AreCaseSensitive()
    {
        Decide(Claims(roles: ["vpnportal.admin"])).Refusal.ShouldBe(ExternalRoleMapping.NoRoleReason);
    }

    [Fact]
    public void Decide_SeveralMatches_GrantsEachRoleOnceInPortalOrder()
    {
        Decide(Claims(roles: ["VpnPortal.User", "VpnPortal.Admin"], groups: [AdminGroup])).Roles.ShouldBe(["Admin", "User"]);
    }

    [Fact]
    public void Decide_NothingMapped_RefusesWithoutDefault()
    {
        var decision = Decide(Claims(roles: ["Something.Else"], groups: ["11111111-2222-3333-4444-555555555555"]));

        decision.Refused.ShouldBeTrue();
        decision.Roles.ShouldBeEmpty();
        decision.Refusal.ShouldBe(ExternalRoleMapping.NoRoleReason);
    }

    [Fact]
    public void Decide_NothingMapped_GivesTheDefaultRoleWhenConfigured()
    {
        Decide(Claims(), defaultRole: "User").Roles.ShouldBe(["User"]);
    }

    [Fact]
    public void Decide_GroupsOverage_RefusesEvenWithADefaultRole()
    {
        Decide(Claims(overflow: true), defaultRole: "User").Refusal.ShouldBe(ExternalRoleMapping.GroupsOverageReason);
    }

    [Fact]
    public void Decide_GroupsOverageButAnAppRoleMaps_UsesTheAppRole()
    {
        Decide(Claims(roles: ["VpnPortal.Admin"], overflow: true)).Roles.ShouldBe(["Admin"]);
    }

    [Fact]
    public void Decide_RoleWithoutMapping_IsNeverGranted()
    {
        var map = new Dictionary<string, IReadOnlyCollection<string>> { ["User"] = ["VpnPortal.User"] };

        ExternalRoleMapping.Decide(Claims(roles: ["VpnPortal.Admin", "VpnPortal.User"]), map, PortalRoles, null).Roles.ShouldBe(["User"]);
    }

    private static ExternalRoleDecision Decide(ExternalRoleClaims claims, string? defaultRole = null) =>
        ExternalRoleMapping.Decide(claims, Map, PortalRoles, defaultRole);
}
