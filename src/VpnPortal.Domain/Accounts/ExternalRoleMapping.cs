namespace VpnPortal.Domain.Accounts;

/// <summary>What an identity provider's token says about a person, for deciding their portal roles.</summary>
/// <param name="Roles">Values of the token's app-roles claim (Entra ID: "roles").</param>
/// <param name="Groups">Values of the token's groups claim (Entra ID: group object ids).</param>
/// <param name="GroupsOverflowed">
/// The provider left the groups out because there were too many (Entra ID's "groups overage": <c>_claim_names</c>
/// names "groups", or <c>hasgroups</c> is true). Mapping on the partial list would silently drop roles.
/// </param>
public sealed record ExternalRoleClaims(IReadOnlyCollection<string> Roles, IReadOnlyCollection<string> Groups, bool GroupsOverflowed = false);

/// <summary>The outcome of mapping: the portal roles, or why there are none.</summary>
public sealed record ExternalRoleDecision(IReadOnlyList<string> Roles, string? Refusal)
{
    public bool Refused => Refusal is not null;
}

/// <summary>
/// Maps a token's app roles and groups to portal roles. A portal role is granted when any of its configured values
/// equals an app role or a group of the token (ordinal comparison: Entra app-role values are case-sensitive and group
/// ids are GUIDs, compared without case). Nothing mapped means no roles: the person is refused unless a default
/// role is configured.
/// </summary>
public static class ExternalRoleMapping
{
    public const string NoRoleReason = "no-role";
    public const string GroupsOverageReason = "groups-overage";

    /// <param name="claims">The app roles and groups of the token.</param>
    /// <param name="map">Portal role -> the app-role values and group ids that grant it.</param>
    /// <param name="portalRoles">The portal's roles, in the order they are listed.</param>
    /// <param name="defaultRole">The role given when nothing maps; null to refuse.</param>
    public static ExternalRoleDecision Decide(
        ExternalRoleClaims claims,
        IReadOnlyDictionary<string, IReadOnlyCollection<string>> map,
        IReadOnlyList<string> portalRoles,
        string? defaultRole)
    {
        var granted = portalRoles
            .Where(role => map.TryGetValue(role, out var values) && values.Any(v => Matches(v, claims)))
            .ToList();
        if (granted.Count > 0)
        {
            return new ExternalRoleDecision(granted, null);
        }

        // With an overage the missing groups may well have mapped: refusing says why instead of guessing.
        if (claims.GroupsOverflowed)
        {
            return new ExternalRoleDecision([], GroupsOverageReason);
        }

        return defaultRole is null
            ? new ExternalRoleDecision([], NoRoleReason)
            : new ExternalRoleDecision([defaultRole], null);
    }

    private static bool Matches(string configured, ExternalRoleClaims claims) =>
        claims.Roles.Contains(configured, StringComparer.Ordinal)
        || (Guid.TryParse(configured, out var id)
            ? claims.Groups.Any(g => Guid.TryParse(g, out var group) && group == id)
            : claims.Groups.Contains(configured, StringComparer.Ordinal));
}
