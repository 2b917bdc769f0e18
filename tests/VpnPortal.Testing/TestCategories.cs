namespace VpnPortal.Testing;

/// <summary>
/// The slow kinds of test, as the trait "Category": `bash build/test.sh --fast` leaves them out for the inner loop, CI
/// runs everything. Tests that need none of these run in a couple of minutes.
/// </summary>
public static class TestCategories
{
    public const string Trait = "Category";

    /// <summary>Drives Chromium against a portal process.</summary>
    public const string Browser = "Browser";

    /// <summary>Needs the PostgreSQL server (VPNPORTAL_TEST_POSTGRES).</summary>
    public const string Postgres = "Postgres";

    /// <summary>Needs a SQL Server (VPNPORTAL_TEST_SQLSERVER).</summary>
    public const string SqlServer = "SqlServer";

    /// <summary>Starts an outside process: the OpenID Connect provider (node), the SMTP server (python), a built portal.</summary>
    public const string Process = "Process";
}
