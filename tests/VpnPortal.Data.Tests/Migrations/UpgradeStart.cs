using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace VpnPortal.Data.Tests.Migrations;

/// <summary>Brings a test database to where a portal stood before an upgrade, to test what the upgrade does with its rows.</summary>
internal static class UpgradeStart
{
    /// <summary>Applies every migration before the one whose id ends with <paramref name="migrationSuffix"/> ("_ApiKeyExpiry").</summary>
    public static async Task MigrateToJustBeforeAsync(this PortalDbContext context, string migrationSuffix, CancellationToken ct)
    {
        var migrations = context.Database.GetMigrations().ToList();
        var before = migrations[migrations.FindIndex(m => m.EndsWith(migrationSuffix, StringComparison.Ordinal)) - 1];
        await context.GetService<IMigrator>().MigrateAsync(before, cancellationToken: ct);
    }
}
