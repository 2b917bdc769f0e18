using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ApiKeyExpiry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ExpiresAt",
                table: "ApiKeys",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            // Keys made before keys expired live 90 days from their creation, but at least 30 days from this upgrade, so
            // no script stops the day the portal is upgraded (docs/decisions/0020-accounts-hardening.md).
            migrationBuilder.Sql("""
                UPDATE "ApiKeys" SET "ExpiresAt" = GREATEST("CreatedAt" + interval '90 days', now() + interval '30 days');
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
