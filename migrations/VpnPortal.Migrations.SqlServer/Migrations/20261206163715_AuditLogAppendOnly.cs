using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class AuditLogAppendOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The audit log is append-only for everyone, including code and people with SQL access. CREATE TRIGGER must
            // start a batch, and the idempotent script puts every statement inside IF ... BEGIN: EXEC gives it its own.
            // (TRUNCATE fires no trigger on SQL Server; it needs ALTER on the table, which the portal's account lacks.)
            migrationBuilder.Sql("""
                EXEC(N'CREATE TRIGGER [AuditEntries_NoUpdateOrDelete] ON [AuditEntries] AFTER UPDATE, DELETE
                AS
                BEGIN
                    SET NOCOUNT ON;
                    THROW 51000, N''The audit log is append-only'', 1;
                END');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER [AuditEntries_NoUpdateOrDelete];");
        }
    }
}
