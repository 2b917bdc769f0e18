using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Postgres.Migrations
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
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<List<string>>(
                name: "UserNames",
                table: "VpnSessions",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<long>(
                name: "Counters_CumulativeConnections",
                table: "Servers",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Counters_MaxConcurrentConnections",
                table: "Servers",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Counters_TotalBytesIn",
                table: "Servers",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Counters_TotalBytesOut",
                table: "Servers",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Counters_TotalConnections",
                table: "Servers",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Counters_UniqueUsers",
                table: "Servers",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "EnrollmentTokenId",
                table: "Agents",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HostFqdn",
                table: "Agents",
                type: "character varying(253)",
                maxLength: 253,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OsVersion",
                table: "Agents",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RevokedReason",
                table: "Agents",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ServerId",
                table: "Agents",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RevokedAt",
                table: "AgentEnrollmentTokens",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RevokedByUserId",
                table: "AgentEnrollmentTokens",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DeliverBy",
                table: "AgentCommands",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<string>(
                name: "RequestedBy",
                table: "AgentCommands",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "RequestedByUserId",
                table: "AgentCommands",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ConnectionSamples",
                columns: table => new
                {
                    ServerId = table.Column<Guid>(type: "uuid", nullable: false),
                    BucketStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Sessions = table.Column<int>(type: "integer", nullable: false),
                    UniqueUsers = table.Column<int>(type: "integer", nullable: false),
                    SstpSessions = table.Column<int>(type: "integer", nullable: false),
                    Ikev2Sessions = table.Column<int>(type: "integer", nullable: false),
                    DeviceTunnels = table.Column<int>(type: "integer", nullable: false),
                    BytesIn = table.Column<long>(type: "bigint", nullable: false),
                    BytesOut = table.Column<long>(type: "bigint", nullable: false)
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
