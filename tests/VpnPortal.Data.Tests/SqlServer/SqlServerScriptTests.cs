using Shouldly;
using Xunit;

namespace VpnPortal.Data.Tests.SqlServer;

/// <summary>
/// No SQL Server runs here, so the script that would migrate one is read by Microsoft's T-SQL parser: the script a DBA
/// runs (`dotnet ef migrations script --idempotent`) is the portal's migrations as SQL Server receives them.
/// </summary>
public sealed class SqlServerScriptTests
{
    [Fact]
    public void IdempotentScript_EveryMigration_ParsesWithoutErrors()
    {
        var script = TSqlScripts.Idempotent();

        TSqlScripts.ParseErrors(script).ShouldBeEmpty();
        script.ShouldContain("CREATE TABLE [AuditEntries]");
        script.ShouldContain("CREATE TRIGGER [AuditEntries_NoUpdateOrDelete] ON [AuditEntries] AFTER UPDATE, DELETE");
        script.ShouldContain("CREATE TABLE qrtz_JOB_DETAILS");
        script.ShouldContain("WHERE [ServerId] IS NULL AND [ResolvedAt] IS NULL");
    }

    // The check above must be able to fail: CREATE TRIGGER inside the script's IF ... BEGIN (without its EXEC) is refused.
    [Fact]
    public void IdempotentScript_TriggerNotInItsOwnBatch_HasErrors()
    {
        var script = TSqlScripts.Idempotent();
        var start = script.IndexOf("EXEC(N'CREATE TRIGGER", StringComparison.Ordinal);
        var end = script.IndexOf("END');", start, StringComparison.Ordinal) + "END');".Length;
        var unwrapped = script[(start + "EXEC(N'".Length)..(end - "');".Length)].Replace("''", "'", StringComparison.Ordinal);

        TSqlScripts.ParseErrors(script[..start] + unwrapped + script[end..]).ShouldNotBeEmpty();
    }

    [Fact]
    public void IdempotentScript_WithABrokenStatement_HasErrors()
    {
        var script = TSqlScripts.Idempotent().Replace("CREATE TABLE [AuditEntries] (", "CREATE TABLE [AuditEntries] ((", StringComparison.Ordinal);

        TSqlScripts.ParseErrors(script).ShouldNotBeEmpty();
    }
}
