using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VpnPortal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class AddQuartzScheduler : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in QuartzSchema.Create)
            {
                migrationBuilder.Sql(statement);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in QuartzSchema.Tables)
            {
                migrationBuilder.Sql($"DROP TABLE IF EXISTS {table}");
            }
        }
    }
}
