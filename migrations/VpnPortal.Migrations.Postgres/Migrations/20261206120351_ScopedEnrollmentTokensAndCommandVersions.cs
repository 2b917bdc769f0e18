using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ScopedEnrollmentTokensAndCommandVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "PfxErasedAt",
                table: "SstpRotations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "StoppedAt",
                table: "SstpRotations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ReplacesServerId",
                table: "AgentEnrollmentTokens",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ServerName",
                table: "AgentEnrollmentTokens",
                type: "character varying(63)",
                maxLength: 63,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LateOutcome",
                table: "AgentCommands",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "Version",
                table: "AgentCommands",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.CreateIndex(
                name: "IX_AgentEnrollmentTokens_ReplacesServerId",
                table: "AgentEnrollmentTokens",
                column: "ReplacesServerId");

            migrationBuilder.AddForeignKey(
                name: "FK_AgentEnrollmentTokens_Servers_ReplacesServerId",
                table: "AgentEnrollmentTokens",
                column: "ReplacesServerId",
                principalTable: "Servers",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_AgentEnrollmentTokens_Servers_ReplacesServerId",
                table: "AgentEnrollmentTokens");

            migrationBuilder.DropIndex(
                name: "IX_AgentEnrollmentTokens_ReplacesServerId",
                table: "AgentEnrollmentTokens");

            migrationBuilder.DropColumn(
                name: "PfxErasedAt",
                table: "SstpRotations");

            migrationBuilder.DropColumn(
                name: "StoppedAt",
                table: "SstpRotations");

            migrationBuilder.DropColumn(
                name: "ReplacesServerId",
                table: "AgentEnrollmentTokens");

            migrationBuilder.DropColumn(
                name: "ServerName",
                table: "AgentEnrollmentTokens");

            migrationBuilder.DropColumn(
                name: "LateOutcome",
                table: "AgentCommands");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "AgentCommands");
        }
    }
}
