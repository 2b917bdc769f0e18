using Microsoft.EntityFrameworkCore;
using Shouldly;
using VpnPortal.Data.Tests.Migrations;
using VpnPortal.Migrations.SqlServer;
using Xunit;

namespace VpnPortal.Data.Tests.SqlServer;

/// <summary>
/// The portal's model against what SQL Server refuses and the other providers accept. Each rule also runs on a small
/// model built to break it, so a rule that finds nothing is known to be able to find something.
/// </summary>
public sealed class SqlServerModelRulesTests
{
    [Fact]
    public void PortalModel_HasNoDeleteActionCycleOrSecondDeletePath() =>
        SqlServerModelRules.CascadePaths(PortalTables()).ShouldBeEmpty();

    [Fact]
    public void CascadeRule_TwoTablesDeletingEachOther_IsACycle()
    {
        using var context = new CycleContext();

        SqlServerModelRules.CascadePaths(SqlServerModelRules.Tables(context)).ShouldContain(p => p.StartsWith("Delete actions go round in a cycle") && p.Contains("FK_Host_Worker_CurrentWorkerId"));
    }

    [Fact]
    public void CascadeRule_ATableReachedTwiceFromAnother_IsTwoPaths()
    {
        using var context = new TwoPathsContext();

        SqlServerModelRules.CascadePaths(SqlServerModelRules.Tables(context)).ShouldContain(p => p.StartsWith("Two delete paths from Host reach Placement"));
    }

    [Fact]
    public void PortalModel_EveryKeyAndIndexFitsSqlServersKeySize() =>
        SqlServerModelRules.KeySizes(PortalTables()).ShouldBeEmpty();

    [Fact]
    public void KeySizeRule_KeysTooLongOrWithoutLength_AreFound()
    {
        using var context = new LongKeysContext();

        var problems = SqlServerModelRules.KeySizes(SqlServerModelRules.Tables(context));

        problems.ShouldContain(p => p.Contains("primary key PK_Note") && p.Contains("1000 bytes, over SQL Server's 900 for a clustered key"));
        problems.ShouldContain(p => p.Contains("index IX_Note_Title_Topic") && p.Contains("1800 bytes, over SQL Server's 1700 for a nonclustered key"));
        problems.ShouldContain(p => p.Contains("index IX_Note_Body") && p.Contains("Body nvarchar(max)"));
        problems.Count.ShouldBe(3);
    }

    [Fact]
    public void PortalModel_EveryNameFitsSqlServersIdentifiers() =>
        SqlServerModelRules.IdentifierLengths(PortalTables()).ShouldBeEmpty();

    [Fact]
    public void IdentifierRule_NamesOver128Characters_AreFound()
    {
        using var context = new LongNamesContext();

        var problems = SqlServerModelRules.IdentifierLengths(SqlServerModelRules.Tables(context));

        problems.ShouldContain(p => p.StartsWith("The table name " + LongNamesContext.Table));
        problems.ShouldContain(p => p.StartsWith("The column name " + LongNamesContext.Column));
        problems.ShouldContain(p => p.StartsWith("The index name " + LongNamesContext.Index));
    }

    [Theory, MemberData(nameof(MigrationTests.OfflineProviders), MemberType = typeof(MigrationTests))]
    public void PortalModel_WritesNoOtherProvidersSql(string provider)
    {
        using var context = OfflineContexts.Create(provider);

        SqlServerModelRules.ForeignSql(SqlServerModelRules.Tables(context), provider == SqlServerProvider.Name).ShouldBeEmpty();
    }

    [Fact]
    public void ForeignSqlRule_PostgresSqlOnSqlServer_IsFound()
    {
        using var context = new PostgresSqlOnSqlServerContext();

        var problems = SqlServerModelRules.ForeignSql(SqlServerModelRules.Tables(context), sqlServer: true);

        problems.ShouldContain(p => p.Contains("filter of IX_Note_Title") && p.Contains("double quotes"));
        problems.ShouldContain(p => p.Contains("Note.CreatedAt: default") && p.Contains("casts with ::"));
        problems.ShouldContain(p => p.Contains("Note.CreatedAt: default") && p.Contains("calls now("));
        problems.ShouldContain(p => p.Contains("Note.CreatedAt: default") && p.Contains("is not T-SQL"));
    }

    [Fact]
    public void ForeignSqlRule_SqlServerSqlOnSqlite_IsFound()
    {
        using var context = new SqlServerSqlOnSqliteContext();

        var problems = SqlServerModelRules.ForeignSql(SqlServerModelRules.Tables(context), sqlServer: false);

        problems.ShouldContain(p => p.Contains("filter of IX_Note_Title") && p.Contains("[brackets]"));
        problems.ShouldContain(p => p.Contains("Note.CreatedAt: default") && p.Contains("calls SYSDATETIMEOFFSET("));
    }

    // Names unique in any case mean the same on all three: SQL Server compares text exactly, as PostgreSQL and SQLite do,
    // whatever collation the database was created with (docs/decisions/0004).
    [Fact]
    public void PortalModel_EveryTextColumnOnSqlServerComparesExactly() =>
        SqlServerModelRules.Collations(PortalTables(), PortalDbContext.SqlServerCollation).ShouldBeEmpty();

    [Fact]
    public void CollationRule_ACaseInsensitiveOrDefaultColumn_IsFound()
    {
        using var context = new CollationContext();

        var problems = SqlServerModelRules.Collations(SqlServerModelRules.Tables(context), PortalDbContext.SqlServerCollation);

        problems.ShouldBe([
            $"Note.Body compares by the database's default collation, not {PortalDbContext.SqlServerCollation}.",
            $"Note.Title compares by SQL_Latin1_General_CP1_CI_AS, not {PortalDbContext.SqlServerCollation}.",
        ], ignoreOrder: true);
    }

    private static Microsoft.EntityFrameworkCore.Metadata.IRelationalModel PortalTables()
    {
        using var context = OfflineContexts.Create(SqlServerProvider.Name);
        return SqlServerModelRules.Tables(context);
    }

    /// <summary>A model on SQL Server that is never opened.</summary>
    private abstract class OfflineSqlServerContext : DbContext
    {
        protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseSqlServer(OfflineContexts.NoSqlServer);
    }

    private sealed class Host
    {
        public int Id { get; set; }
        public int? CurrentWorkerId { get; set; }
    }

    private sealed class Worker
    {
        public int Id { get; set; }
        public int HostId { get; set; }
    }

    private sealed class Command
    {
        public int Id { get; set; }
        public int HostId { get; set; }
    }

    private sealed class Placement
    {
        public int Id { get; set; }
        public int HostId { get; set; }
        public int? LastCommandId { get; set; }
    }

    /// <summary>A host's workers go with it, and a host forgets its current worker when that goes: round in a circle.</summary>
    private sealed class CycleContext : OfflineSqlServerContext
    {
        protected override void OnModelCreating(ModelBuilder b)
        {
            b.Entity<Worker>().HasOne<Host>().WithMany().HasForeignKey(w => w.HostId).OnDelete(DeleteBehavior.Cascade);
            b.Entity<Host>().HasOne<Worker>().WithMany().HasForeignKey(h => h.CurrentWorkerId).OnDelete(DeleteBehavior.SetNull);
        }
    }

    /// <summary>Removing a host removes its placements directly, and through its commands clears them too.</summary>
    private sealed class TwoPathsContext : OfflineSqlServerContext
    {
        protected override void OnModelCreating(ModelBuilder b)
        {
            b.Entity<Command>().HasOne<Host>().WithMany().HasForeignKey(c => c.HostId).OnDelete(DeleteBehavior.Cascade);
            b.Entity<Placement>().HasOne<Host>().WithMany().HasForeignKey(p => p.HostId).OnDelete(DeleteBehavior.Cascade);
            b.Entity<Placement>().HasOne<Command>().WithMany().HasForeignKey(p => p.LastCommandId).OnDelete(DeleteBehavior.SetNull);
        }
    }

    private sealed class Note
    {
        public string Key { get; set; } = "";
        public string Title { get; set; } = "";
        public string Topic { get; set; } = "";
        public string Body { get; set; } = "";
        public DateTimeOffset? ArchivedAt { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
    }

    /// <summary>A 500-character primary key, an index of two 450-character columns, an index on text without a length.</summary>
    private sealed class LongKeysContext : OfflineSqlServerContext
    {
        protected override void OnModelCreating(ModelBuilder b)
        {
            b.Entity<Note>().HasKey(n => n.Key);
            b.Entity<Note>().Property(n => n.Key).HasMaxLength(500);
            b.Entity<Note>().Property(n => n.Title).HasMaxLength(450);
            b.Entity<Note>().Property(n => n.Topic).HasMaxLength(450);
            b.Entity<Note>().HasIndex(n => new { n.Title, n.Topic });
            b.Entity<Note>().Property(n => n.Body).HasColumnType("nvarchar(max)");
            b.Entity<Note>().HasIndex(n => n.Body);
        }
    }

    private sealed class LongNamesContext : OfflineSqlServerContext
    {
        public static readonly string Table = new('T', 129);
        public static readonly string Column = new('C', 129);
        public static readonly string Index = new('I', 129);

        protected override void OnModelCreating(ModelBuilder b)
        {
            b.Entity<Note>().HasKey(n => n.Key);
            b.Entity<Note>().ToTable(Table);
            b.Entity<Note>().Property(n => n.Title).HasColumnName(Column).HasMaxLength(100);
            b.Entity<Note>().HasIndex(n => n.Title).HasDatabaseName(Index);
        }
    }

    /// <summary>A filter and a default written for another provider than the one the model is for.</summary>
    private abstract class ForeignSqlContext(string filter, string defaultSql) : DbContext
    {
        protected override void OnModelCreating(ModelBuilder b)
        {
            b.Entity<Note>().HasKey(n => n.Key);
            b.Entity<Note>().Property(n => n.Key).HasMaxLength(100);
            b.Entity<Note>().Property(n => n.Title).HasMaxLength(100);
            b.Entity<Note>().HasIndex(n => n.Title).HasFilter(filter);
            b.Entity<Note>().Property(n => n.CreatedAt).HasDefaultValueSql(defaultSql);
        }
    }

    private sealed class PostgresSqlOnSqlServerContext() : ForeignSqlContext("\"ArchivedAt\" IS NULL", "now()::timestamptz")
    {
        protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseSqlServer(OfflineContexts.NoSqlServer);
    }

    private sealed class SqlServerSqlOnSqliteContext() : ForeignSqlContext("[ArchivedAt] IS NULL", "SYSDATETIMEOFFSET()")
    {
        protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseSqlite("Data Source=:memory:");
    }

    /// <summary>One column case-insensitive, one left to the database's default; the key is exact.</summary>
    private sealed class CollationContext : OfflineSqlServerContext
    {
        protected override void OnModelCreating(ModelBuilder b)
        {
            b.Entity<Note>().HasKey(n => n.Key);
            b.Entity<Note>().Property(n => n.Key).HasMaxLength(100).UseCollation(PortalDbContext.SqlServerCollation);
            b.Entity<Note>().Property(n => n.Title).HasMaxLength(100).UseCollation("SQL_Latin1_General_CP1_CI_AS");
            b.Entity<Note>().Property(n => n.Topic).HasMaxLength(100).UseCollation(PortalDbContext.SqlServerCollation);
        }
    }
}
