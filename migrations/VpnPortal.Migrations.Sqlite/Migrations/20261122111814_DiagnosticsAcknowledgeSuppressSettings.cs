using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DiagnosticsAcknowledgeSuppressSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AcknowledgeReason",
                table: "DiagnosticFindings",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "AcknowledgedAt",
                table: "DiagnosticFindings",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AcknowledgedBy",
                table: "DiagnosticFindings",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "AcknowledgedByUserId",
                table: "DiagnosticFindings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DiagnosticsSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    EapServerNames = table.Column<string>(type: "TEXT", nullable: false),
                    PhoneCallMfa = table.Column<bool>(type: "INTEGER", nullable: false),
                    ClientCertificateIssuers = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false),
                    LoadBalancerCertificates = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DiagnosticsSettings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DiagnosticSuppressions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ServerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LiftedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LiftedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DiagnosticSuppressions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DiagnosticSuppressions_Servers_ServerId",
                        column: x => x.ServerId,
                        principalTable: "Servers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DiagnosticSuppressions_ServerId_RuleId_LiftedAt",
                table: "DiagnosticSuppressions",
                columns: new[] { "ServerId", "RuleId", "LiftedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DiagnosticsSettings");

            migrationBuilder.DropTable(
                name: "DiagnosticSuppressions");

            migrationBuilder.DropColumn(
                name: "AcknowledgeReason",
                table: "DiagnosticFindings");

            migrationBuilder.DropColumn(
                name: "AcknowledgedAt",
                table: "DiagnosticFindings");

            migrationBuilder.DropColumn(
                name: "AcknowledgedBy",
                table: "DiagnosticFindings");

            migrationBuilder.DropColumn(
                name: "AcknowledgedByUserId",
                table: "DiagnosticFindings");
        }
    }
}
