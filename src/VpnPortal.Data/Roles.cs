namespace VpnPortal.Data;

/// <summary>The portal's three roles.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string OnCall = "OnCall";
    public const string User = "User";

    public static readonly IReadOnlyList<string> All = [Admin, OnCall, User];

    /// <summary>Fixed ids so the roles are seeded by the migrations, not by start-up code.</summary>
    internal static readonly IReadOnlyDictionary<string, Guid> Ids = new Dictionary<string, Guid>
    {
        [Admin] = new("7b0c5a1e-52f4-4c51-9c1e-0a4f6a1d0001"),
        [OnCall] = new("7b0c5a1e-52f4-4c51-9c1e-0a4f6a1d0002"),
        [User] = new("7b0c5a1e-52f4-4c51-9c1e-0a4f6a1d0003"),
    };
}
