using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Shouldly;
using VpnPortal.Testing;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Hosting;

/// <summary>
/// SQLite rebuilds changed tables outside a migration's transaction, so before the portal upgrades an existing SQLite
/// database it copies it: a start stopped half way leaves the copy to go back to.
/// </summary>
public sealed class SqliteUpgradeBackupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UpgradingAnExistingDatabase_CopiesItFirst_AsItWasBeforeTheUpgrade()
    {
        await using var database = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        string[] all;
        await using (var context = database.CreateContext())
        {
            all = [.. context.Database.GetMigrations()];
            // An installation a few releases old: every migration but the last three.
            await context.GetService<IMigrator>().MigrateAsync(all[^4], Ct);
        }

        var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        var backup = $"{file}.before-{all[^1]}";
        try
        {
            await using (var portal = await PortalFactory.StartOnAsync(database))
            {
                await using var upgraded = database.CreateContext();
                (await upgraded.Database.GetPendingMigrationsAsync(Ct)).ShouldBeEmpty();
            }

            File.Exists(backup).ShouldBeTrue("the database was copied before the upgrade");
            await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = backup, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await copy.OpenAsync(Ct);
            await using var count = copy.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM \"__EFMigrationsHistory\"";
            Convert.ToInt32(await count.ExecuteScalarAsync(Ct)).ShouldBe(all.Length - 3, "the copy is the database as it was before");
        }
        finally
        {
            File.Delete(backup);
        }
    }

    [Fact]
    public async Task ANewDatabase_IsNotCopied()
    {
        await using var database = await TestDatabase.CreateEmptyAsync(TestDatabase.Sqlite);
        var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;

        await using (await PortalFactory.StartOnAsync(database))
        {
        }

        Directory.GetFiles(Path.GetDirectoryName(file)!, Path.GetFileName(file) + ".before-*").ShouldBeEmpty();
    }
}
