using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class FleetOperationsEnforcementRotation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "FirstSeenAt",
                table: "VpnSessions",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.CreateTable(
                name: "DisconnectEnforcements",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OperationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Identity = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    IdentityKey = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    StartsAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EndsAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EndedEarlyAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EndedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DisconnectEnforcements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DisconnectEnforcements_FleetOperations_OperationId",
                        column: x => x.OperationId,
                        principalTable: "FleetOperations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SstpRotations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Sha1Thumbprint = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Sha256Thumbprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    NotAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Warnings = table.Column<List<string>>(type: "text[]", nullable: false),
                    ProtectedPfx = table.Column<byte[]>(type: "bytea", nullable: true),
                    ProtectedPassword = table.Column<byte[]>(type: "bytea", nullable: true),
                    Parallelism = table.Column<int>(type: "integer", nullable: false),
                    WindowStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    WindowEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RequestedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    RequestedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    StatusReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SstpRotations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "EnforcedDisconnects",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    EnforcementId = table.Column<Guid>(type: "uuid", nullable: false),
                    ServerId = table.Column<Guid>(type: "uuid", nullable: false),
                    CommandId = table.Column<Guid>(type: "uuid", nullable: false),
                    DetectedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SessionStartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EnforcedDisconnects", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EnforcedDisconnects_AgentCommands_CommandId",
                        column: x => x.CommandId,
                        principalTable: "AgentCommands",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_EnforcedDisconnects_DisconnectEnforcements_EnforcementId",
                        column: x => x.EnforcementId,
                        principalTable: "DisconnectEnforcements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_EnforcedDisconnects_Servers_ServerId",
                        column: x => x.ServerId,
                        principalTable: "Servers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SstpRotationServers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RotationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ServerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    RollbackState = table.Column<int>(type: "integer", nullable: false),
                    Step = table.Column<int>(type: "integer", nullable: true),
                    CommandId = table.Column<Guid>(type: "uuid", nullable: true),
                    StepAttempts = table.Column<int>(type: "integer", nullable: false),
                    StepStartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PreviousSha1 = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    PreviousOffloadHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    TlsOffload = table.Column<bool>(type: "boolean", nullable: false),
                    ListenerPort = table.Column<int>(type: "integer", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FailedStep = table.Column<int>(type: "integer", nullable: true),
                    FailureMessage = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    RollbackMessage = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SstpRotationServers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SstpRotationServers_Servers_ServerId",
                        column: x => x.ServerId,
                        principalTable: "Servers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SstpRotationServers_SstpRotations_RotationId",
                        column: x => x.RotationId,
                        principalTable: "SstpRotations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SstpRotationSteps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RotationServerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Step = table.Column<int>(type: "integer", nullable: false),
                    CommandId = table.Column<Guid>(type: "uuid", nullable: true),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Succeeded = table.Column<bool>(type: "boolean", nullable: true),
                    Message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SstpRotationSteps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SstpRotationSteps_SstpRotationServers_RotationServerId",
                        column: x => x.RotationServerId,
                        principalTable: "SstpRotationServers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DisconnectEnforcements_EndsAt",
                table: "DisconnectEnforcements",
                column: "EndsAt");

            migrationBuilder.CreateIndex(
                name: "IX_DisconnectEnforcements_OperationId",
                table: "DisconnectEnforcements",
                column: "OperationId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EnforcedDisconnects_CommandId",
                table: "EnforcedDisconnects",
                column: "CommandId");

            migrationBuilder.CreateIndex(
                name: "IX_EnforcedDisconnects_EnforcementId_ServerId",
                table: "EnforcedDisconnects",
                columns: new[] { "EnforcementId", "ServerId" });

            migrationBuilder.CreateIndex(
                name: "IX_EnforcedDisconnects_ServerId",
                table: "EnforcedDisconnects",
                column: "ServerId");

            migrationBuilder.CreateIndex(
                name: "IX_SstpRotations_Status_CreatedAt",
                table: "SstpRotations",
                columns: new[] { "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SstpRotationServers_RotationId_ServerId",
                table: "SstpRotationServers",
                columns: new[] { "RotationId", "ServerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SstpRotationServers_ServerId",
                table: "SstpRotationServers",
                column: "ServerId");

            migrationBuilder.CreateIndex(
                name: "IX_SstpRotationSteps_RotationServerId_StartedAt",
                table: "SstpRotationSteps",
                columns: new[] { "RotationServerId", "StartedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EnforcedDisconnects");

            migrationBuilder.DropTable(
                name: "SstpRotationSteps");

            migrationBuilder.DropTable(
                name: "DisconnectEnforcements");

            migrationBuilder.DropTable(
                name: "SstpRotationServers");

            migrationBuilder.DropTable(
                name: "SstpRotations");

            migrationBuilder.DropColumn(
                name: "FirstSeenAt",
                table: "VpnSessions");
        }
    }
}
