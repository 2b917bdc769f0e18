using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Postgres.Migrations
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
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<List<Guid>>(
                name: "ServerIds",
                table: "DiagnosticFindings",
                type: "uuid[]",
                nullable: false,
                defaultValueSql: "'{}'");

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
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}
