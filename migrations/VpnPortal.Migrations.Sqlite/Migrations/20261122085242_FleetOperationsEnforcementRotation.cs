using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class FleetOperationsEnforcementRotation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "FirstSeenAt",
                table: "VpnSessions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "DisconnectEnforcements",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OperationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Identity = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    IdentityKey = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    StartsAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EndsAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EndedEarlyAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndedByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Sha1Thumbprint = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Sha256Thumbprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    NotAfter = table.Column<long>(type: "INTEGER", nullable: false),
                    Warnings = table.Column<string>(type: "TEXT", nullable: false),
                    ProtectedPfx = table.Column<byte[]>(type: "BLOB", nullable: true),
                    ProtectedPassword = table.Column<byte[]>(type: "BLOB", nullable: true),
                    Parallelism = table.Column<int>(type: "INTEGER", nullable: false),
                    WindowStart = table.Column<long>(type: "INTEGER", nullable: true),
                    WindowEnd = table.Column<long>(type: "INTEGER", nullable: true),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    RequestedByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    StatusReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SstpRotations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "EnforcedDisconnects",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    EnforcementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ServerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CommandId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DetectedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SessionStartedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RotationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ServerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    RollbackState = table.Column<int>(type: "INTEGER", nullable: false),
                    Step = table.Column<int>(type: "INTEGER", nullable: true),
                    CommandId = table.Column<Guid>(type: "TEXT", nullable: true),
                    StepAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    StepStartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PreviousSha1 = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    PreviousOffloadHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TlsOffload = table.Column<bool>(type: "INTEGER", nullable: false),
                    ListenerPort = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FailedStep = table.Column<int>(type: "INTEGER", nullable: true),
                    FailureMessage = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    RollbackMessage = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RotationServerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Step = table.Column<int>(type: "INTEGER", nullable: false),
                    CommandId = table.Column<Guid>(type: "TEXT", nullable: true),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Succeeded = table.Column<bool>(type: "INTEGER", nullable: true),
                    Message = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
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
