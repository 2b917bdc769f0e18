using System.ComponentModel.DataAnnotations;

namespace VpnPortal.Web.Hosting;

/// <summary>Settings under "Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>"Sqlite" (default, embedded) or "Postgres". SQL Server has no provider yet (docs/decisions/0004).</summary>
    [Required]
    [RegularExpression("^(Sqlite|Postgres)$", ErrorMessage = "Database:Provider must be Sqlite or Postgres.")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Connection string; for SQLite defaults to data/vpnportal.db under the content root.</summary>
    public string? ConnectionString { get; set; }
}
