using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class SmtpPasswordWithoutTls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "AllowPasswordWithoutTls",
                table: "SmtpChannelSettings",
                type: "bit",
                nullable: false,
                defaultValue: false);

            // A relay already sent its password without encryption keeps doing so, now as a visible, explicit choice,
            // rather than alert e-mail stopping on upgrade.
            migrationBuilder.Sql("""
                UPDATE [SmtpChannelSettings] SET [AllowPasswordWithoutTls] = 1 WHERE [Security] = 0 AND [UserName] IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AllowPasswordWithoutTls",
                table: "SmtpChannelSettings");
        }
    }
}
