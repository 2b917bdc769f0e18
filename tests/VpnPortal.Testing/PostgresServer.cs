using Xunit;

namespace VpnPortal.Testing;

/// <summary>
/// The PostgreSQL server the tests use, named by VPNPORTAL_TEST_POSTGRES (build/test.sh starts one and sets it).
/// Without it a PostgreSQL test is skipped with the reason, except on CI (CI=true), where it fails.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "VPNPORTAL_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs ? cs : null;

    public static string RequireConnectionString()
    {
        if (ConnectionString is { } cs)
        {
            return cs;
        }

        const string reason = $"PostgreSQL tests need a server: run them through build/test.sh, which starts one, or set {Variable} to a connection string of a user that may create databases.";
        if (TestEnvironment.IsCi)
        {
            throw new InvalidOperationException("On CI every PostgreSQL test must run. " + reason);
        }

        Assert.Skip(reason);
        return ""; // not reached: Assert.Skip throws
    }
}

public static class TestEnvironment
{
    /// <summary>True on CI, where nothing may be skipped for a missing tool.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
