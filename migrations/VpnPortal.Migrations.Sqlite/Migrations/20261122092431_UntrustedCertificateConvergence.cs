using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class UntrustedCertificateConvergence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RemovalRequestedAt",
                table: "UntrustedCertificates",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RemovalRequestedByUserId",
                table: "UntrustedCertificates",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "UntrustedCertificateDrifts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CertificateId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ServerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DetectedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CorrectedAt = table.Column<long>(type: "INTEGER", nullable: true)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UntrustedCertificateId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ServerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConfirmedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastCommandId = table.Column<Guid>(type: "TEXT", nullable: true),
                    LastPushedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SucceededSeenAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
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
                        name: "FK_UntrustedCertificatePlacements_UntrustedCertificates_UntrustedCertificateId",
                        column: x => x.UntrustedCertificateId,
                        principalTable: "UntrustedCertificates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_UntrustedCertificateDrifts_CertificateId_ServerId_CorrectedAt",
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
                name: "IX_UntrustedCertificatePlacements_UntrustedCertificateId_ServerId",
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
