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
