using Xunit;

namespace VpnPortal.Testing;

/// <summary>
/// The SQL Server the tests use, named by VPNPORTAL_TEST_SQLSERVER. No SQL Server can run on the CI machines, so without
/// it every SQL Server row of a provider theory is skipped with the reason, on CI too; with it each test makes its own
/// database there.
/// </summary>
public static class SqlServerServer
{
    public const string Variable = "VPNPORTAL_TEST_SQLSERVER";

    public const string SkipReason =
        $"No SQL Server: set {Variable} to the connection string of a login that may create databases (dbcreator) to run the SQL Server rows.";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs ? cs : null;

    public static string RequireConnectionString()
    {
        if (ConnectionString is { } cs)
        {
            return cs;
        }

        Assert.Skip(SkipReason);
        return ""; // not reached: Assert.Skip throws
    }
}
