using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class UntrustedCertificateConvergence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RemovalRequestedAt",
                table: "UntrustedCertificates",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RemovalRequestedByUserId",
                table: "UntrustedCertificates",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "UntrustedCertificateDrifts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CertificateId = table.Column<Guid>(type: "uuid", nullable: false),
                    ServerId = table.Column<Guid>(type: "uuid", nullable: false),
                    DetectedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CorrectedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UntrustedCertificateDrifts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UntrustedCertificateDrifts_Certificates_CertificateId",
                        column: x => x.CertificateId,
                        principalTable: "Certificates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_UntrustedCertificateDrifts_Servers_ServerId",
                        column: x => x.ServerId,
                        principalTable: "Servers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "UntrustedCertificatePlacements",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UntrustedCertificateId = table.Column<Guid>(type: "uuid", nullable: false),
                    ServerId = table.Column<Guid>(type: "uuid", nullable: false),
                    ConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastCommandId = table.Column<Guid>(type: "uuid", nullable: true),
                    LastPushedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SucceededSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UntrustedCertificatePlacements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UntrustedCertificatePlacements_AgentCommands_LastCommandId",
                        column: x => x.LastCommandId,
                        principalTable: "AgentCommands",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_UntrustedCertificatePlacements_Servers_ServerId",
                        column: x => x.ServerId,
                        principalTable: "Servers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_UntrustedCertificatePlacements_UntrustedCertificates_Untrus~",
                        column: x => x.UntrustedCertificateId,
                        principalTable: "UntrustedCertificates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_UntrustedCertificateDrifts_CertificateId_ServerId_Corrected~",
                table: "UntrustedCertificateDrifts",
                columns: new[] { "CertificateId", "ServerId", "CorrectedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_UntrustedCertificateDrifts_DetectedAt",
                table: "UntrustedCertificateDrifts",
                column: "DetectedAt");

            migrationBuilder.CreateIndex(
                name: "IX_UntrustedCertificateDrifts_ServerId",
                table: "UntrustedCertificateDrifts",
                column: "ServerId");

            migrationBuilder.CreateIndex(
                name: "IX_UntrustedCertificatePlacements_LastCommandId",
                table: "UntrustedCertificatePlacements",
                column: "LastCommandId");

            migrationBuilder.CreateIndex(
                name: "IX_UntrustedCertificatePlacements_ServerId",
                table: "UntrustedCertificatePlacements",
                column: "ServerId");

            migrationBuilder.CreateIndex(
                name: "IX_UntrustedCertificatePlacements_UntrustedCertificateId_Serve~",
                table: "UntrustedCertificatePlacements",
                columns: new[] { "UntrustedCertificateId", "ServerId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UntrustedCertificateDrifts");

            migrationBuilder.DropTable(
                name: "UntrustedCertificatePlacements");

            migrationBuilder.DropColumn(
                name: "RemovalRequestedAt",
                table: "UntrustedCertificates");

            migrationBuilder.DropColumn(
                name: "RemovalRequestedByUserId",
                table: "UntrustedCertificates");
        }
    }
}
