using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ApiKeyExpiry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ExpiresAt",
                table: "ApiKeys",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Keys made before keys expired live 90 days from their creation, but at least 30 days from this upgrade, so
            // no script stops the day the portal is upgraded (docs/decisions/0020-accounts-hardening.md). The column holds
            // EF's binary DateTimeOffset: ticks / 1000 above 11 bits of offset, so a day is 864000000 << 11 and a UTC
            // instant's offset bits are 0; julianday 1721425.5 is 0001-01-01, where ticks start.
            migrationBuilder.Sql("""
                UPDATE "ApiKeys" SET "ExpiresAt" = MAX(
                    "CreatedAt" + 90 * (864000000 << 11),
                    CAST((julianday('now') - 1721425.5 + 30) * 864000000 AS INTEGER) << 11);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ExpiresAt",
                table: "ApiKeys");
        }
    }
}
