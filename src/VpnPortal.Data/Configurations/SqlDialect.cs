using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VpnPortal.Data.Configurations;

/// <summary>
/// The little SQL the model writes itself (index filters), in the provider's own syntax: SQL Server delimits names with
/// brackets, SQLite and PostgreSQL with double quotes. Nothing written for one provider reaches another's migrations.
/// </summary>
internal sealed class SqlDialect(string? providerName)
{
    public bool IsSqlServer => providerName == PortalDbContext.SqlServerProviderName;

    /// <summary>A column name, delimited for this provider.</summary>
    public string Column(string name) => IsSqlServer ? $"[{name}]" : $"\"{name}\"";
}

/// <summary>
/// An entity's configuration that depends on the provider. Not an IEntityTypeConfiguration: the context applies these
/// itself, with the dialect, after the assembly's plain configurations.
/// </summary>
internal interface IDialectConfiguration<TEntity>
    where TEntity : class
{
    void Configure(EntityTypeBuilder<TEntity> builder, SqlDialect sql);
}

internal static class DialectConfigurations
{
    public static ModelBuilder ApplyConfiguration<TEntity>(this ModelBuilder builder, IDialectConfiguration<TEntity> configuration, SqlDialect sql)
        where TEntity : class
    {
        configuration.Configure(builder.Entity<TEntity>(), sql);
        return builder;
    }
}
