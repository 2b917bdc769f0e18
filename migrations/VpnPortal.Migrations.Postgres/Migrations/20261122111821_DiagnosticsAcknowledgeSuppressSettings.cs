using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Postgres.Migrations
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
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AcknowledgedAt",
                table: "DiagnosticFindings",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AcknowledgedBy",
                table: "DiagnosticFindings",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "AcknowledgedByUserId",
                table: "DiagnosticFindings",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DiagnosticsSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    EapServerNames = table.Column<List<string>>(type: "text[]", nullable: false),
                    PhoneCallMfa = table.Column<bool>(type: "boolean", nullable: false),
                    ClientCertificateIssuers = table.Column<List<string>>(type: "text[]", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false),
                    LoadBalancerCertificates = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DiagnosticsSettings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DiagnosticSuppressions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ServerId = table.Column<Guid>(type: "uuid", nullable: false),
                    RuleId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LiftedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LiftedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
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
