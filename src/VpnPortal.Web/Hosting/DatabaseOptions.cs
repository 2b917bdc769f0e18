using System.ComponentModel.DataAnnotations;

namespace VpnPortal.Web.Hosting;

/// <summary>Settings under "Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>"Sqlite" (default, embedded), "SqlServer" or "Postgres".</summary>
    [Required]
    [RegularExpression("^(Sqlite|SqlServer|Postgres)$", ErrorMessage = "Database:Provider must be Sqlite, SqlServer or Postgres.")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Connection string; for SQLite defaults to data/vpnportal.db under the content root, required for the others.</summary>
    public string? ConnectionString { get; set; }
}
