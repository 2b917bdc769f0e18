using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class LiveSessionIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_VpnSessions_Live_ConnectionStartTime",
                table: "VpnSessions",
                columns: new[] { "ConnectionStartTime", "Id" },
                descending: new[] { true, false },
                filter: "\"EndedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_VpnSessions_Live_UserName",
                table: "VpnSessions",
                columns: new[] { "UserName", "IsDeviceTunnel" },
                filter: "\"EndedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_VpnSessions_Live_ConnectionStartTime",
                table: "VpnSessions");

            migrationBuilder.DropIndex(
                name: "IX_VpnSessions_Live_UserName",
                table: "VpnSessions");
        }
    }
}
