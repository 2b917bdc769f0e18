using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class FleetWideFindings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "ServerId",
                table: "DiagnosticFindings",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AddColumn<string>(
                name: "ServerIds",
                table: "DiagnosticFindings",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.CreateIndex(
                name: "IX_DiagnosticFindings_RuleId_Key",
                table: "DiagnosticFindings",
                columns: new[] { "RuleId", "Key" },
                unique: true,
                filter: "\"ServerId\" IS NULL AND \"ResolvedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DiagnosticFindings_RuleId_Key",
                table: "DiagnosticFindings");

            migrationBuilder.DropColumn(
                name: "ServerIds",
                table: "DiagnosticFindings");

            migrationBuilder.AlterColumn<Guid>(
                name: "ServerId",
                table: "DiagnosticFindings",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
