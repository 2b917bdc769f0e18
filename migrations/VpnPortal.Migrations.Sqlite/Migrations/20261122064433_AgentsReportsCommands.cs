using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AgentsReportsCommands : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "ExpiresAt",
                table: "AgentCommands",
                newName: "ExecuteBy");

            migrationBuilder.RenameColumn(
                name: "Attempts",
                table: "AgentCommands",
                newName: "Deliveries");

            migrationBuilder.AddColumn<string>(
                name: "SessionKey",
                table: "VpnSessions",
                type: "TEXT",
                maxLength: 128,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "UserNames",
                table: "VpnSessions",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<long>(
                name: "Counters_CumulativeConnections",
                table: "Servers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Counters_MaxConcurrentConnections",
                table: "Servers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Counters_TotalBytesIn",
                table: "Servers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Counters_TotalBytesOut",
                table: "Servers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Counters_TotalConnections",
                table: "Servers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Counters_UniqueUsers",
                table: "Servers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "EnrollmentTokenId",
                table: "Agents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HostFqdn",
                table: "Agents",
                type: "TEXT",
                maxLength: 253,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OsVersion",
                table: "Agents",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RevokedReason",
                table: "Agents",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ServerId",
                table: "Agents",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<long>(
                name: "RevokedAt",
                table: "AgentEnrollmentTokens",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RevokedByUserId",
                table: "AgentEnrollmentTokens",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DeliverBy",
                table: "AgentCommands",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "RequestedBy",
                table: "AgentCommands",
                type: "TEXT",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "RequestedByUserId",
                table: "AgentCommands",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ConnectionSamples",
                columns: table => new
                {
                    ServerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BucketStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Sessions = table.Column<int>(type: "INTEGER", nullable: false),
                    UniqueUsers = table.Column<int>(type: "INTEGER", nullable: false),
                    SstpSessions = table.Column<int>(type: "INTEGER", nullable: false),
                    Ikev2Sessions = table.Column<int>(type: "INTEGER", nullable: false),
                    DeviceTunnels = table.Column<int>(type: "INTEGER", nullable: false),
                    BytesIn = table.Column<long>(type: "INTEGER", nullable: false),
                    BytesOut = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConnectionSamples", x => new { x.ServerId, x.BucketStart });
                    table.ForeignKey(
                        name: "FK_ConnectionSamples_Servers_ServerId",
                        column: x => x.ServerId,
                        principalTable: "Servers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_VpnSessions_EndedAt",
                table: "VpnSessions",
                column: "EndedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Agents_ServerId",
                table: "Agents",
                column: "ServerId");

            migrationBuilder.CreateIndex(
                name: "IX_AgentCommands_Status_ExecuteBy",
                table: "AgentCommands",
                columns: new[] { "Status", "ExecuteBy" });

            migrationBuilder.CreateIndex(
                name: "IX_ConnectionSamples_BucketStart",
                table: "ConnectionSamples",
                column: "BucketStart");

            migrationBuilder.AddForeignKey(
                name: "FK_Agents_Servers_ServerId",
                table: "Agents",
                column: "ServerId",
                principalTable: "Servers",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Agents_Servers_ServerId",
                table: "Agents");

            migrationBuilder.DropTable(
                name: "ConnectionSamples");

            migrationBuilder.DropIndex(
                name: "IX_VpnSessions_EndedAt",
                table: "VpnSessions");

            migrationBuilder.DropIndex(
                name: "IX_Agents_ServerId",
                table: "Agents");

            migrationBuilder.DropIndex(
                name: "IX_AgentCommands_Status_ExecuteBy",
                table: "AgentCommands");

            migrationBuilder.DropColumn(
                name: "SessionKey",
                table: "VpnSessions");

            migrationBuilder.DropColumn(
                name: "UserNames",
                table: "VpnSessions");

            migrationBuilder.DropColumn(
                name: "Counters_CumulativeConnections",
                table: "Servers");

            migrationBuilder.DropColumn(
                name: "Counters_MaxConcurrentConnections",
                table: "Servers");

            migrationBuilder.DropColumn(
                name: "Counters_TotalBytesIn",
                table: "Servers");

            migrationBuilder.DropColumn(
                name: "Counters_TotalBytesOut",
                table: "Servers");

            migrationBuilder.DropColumn(
                name: "Counters_TotalConnections",
                table: "Servers");

            migrationBuilder.DropColumn(
                name: "Counters_UniqueUsers",
                table: "Servers");

            migrationBuilder.DropColumn(
                name: "EnrollmentTokenId",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "HostFqdn",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "OsVersion",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "RevokedReason",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "ServerId",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "RevokedAt",
                table: "AgentEnrollmentTokens");

            migrationBuilder.DropColumn(
                name: "RevokedByUserId",
                table: "AgentEnrollmentTokens");

            migrationBuilder.DropColumn(
                name: "DeliverBy",
                table: "AgentCommands");

            migrationBuilder.DropColumn(
                name: "RequestedBy",
                table: "AgentCommands");

            migrationBuilder.DropColumn(
                name: "RequestedByUserId",
                table: "AgentCommands");

            migrationBuilder.RenameColumn(
                name: "ExecuteBy",
                table: "AgentCommands",
                newName: "ExpiresAt");

            migrationBuilder.RenameColumn(
                name: "Deliveries",
                table: "AgentCommands",
                newName: "Attempts");
        }
    }
}
