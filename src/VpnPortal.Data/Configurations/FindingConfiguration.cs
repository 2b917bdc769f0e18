using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data.Configurations;

internal sealed class DiagnosticFindingConfiguration : IDialectConfiguration<DiagnosticFinding>
{
    public void Configure(EntityTypeBuilder<DiagnosticFinding> b, SqlDialect sql)
    {
        b.Property(f => f.RuleId).HasMaxLength(64).IsRequired();
        b.Property(f => f.Key).HasMaxLength(FieldLimits.Principal).IsRequired();
        b.Property(f => f.Title).HasMaxLength(FieldLimits.Name * 2).IsRequired();
        b.Property(f => f.Summary).HasMaxLength(FieldLimits.Notes).IsRequired();
        b.OwnsMany(f => f.Evidence, e => e.ToJson());
        b.Property(f => f.FixSteps);
        b.HasOne(f => f.Server).WithMany().HasForeignKey(f => f.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(f => new { f.ServerId, f.ResolvedAt });

        b.Property(f => f.ServerIds);

        // One open finding per server, rule and key. SQLite and PostgreSQL count NULLs distinct in a unique index, so the
        // fleet's own findings (no server) get a second one: one open per rule and key (SQL Server, counting NULLs equal,
        // would keep that rule with the first alone). Each filter is in the provider's own SQL.
        b.HasIndex(f => new { f.ServerId, f.RuleId, f.Key }).IsUnique().HasFilter($"{sql.Column("ResolvedAt")} IS NULL");
        b.HasIndex(f => new { f.RuleId, f.Key }).IsUnique().HasFilter($"{sql.Column("ServerId")} IS NULL AND {sql.Column("ResolvedAt")} IS NULL");
        b.HasIndex(f => new { f.ResolvedAt, f.Severity });
        b.Property(f => f.AcknowledgedBy).HasMaxLength(FieldLimits.Principal);
        b.Property(f => f.AcknowledgeReason).HasMaxLength(FieldLimits.Notes);
    }
}

internal sealed class DiagnosticSuppressionConfiguration : IEntityTypeConfiguration<DiagnosticSuppression>
{
    public void Configure(EntityTypeBuilder<DiagnosticSuppression> b)
    {
        b.Property(s => s.RuleId).HasMaxLength(64).IsRequired();
        b.Property(s => s.Reason).HasMaxLength(FieldLimits.Notes).IsRequired();
        b.Property(s => s.CreatedBy).HasMaxLength(FieldLimits.Principal).IsRequired();
        b.Property(s => s.LiftedBy).HasMaxLength(FieldLimits.Principal);
        b.HasOne(s => s.Server).WithMany().HasForeignKey(s => s.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.ServerId, s.RuleId, s.LiftedAt });
    }
}

internal sealed class DiagnosticsSettingsConfiguration : IEntityTypeConfiguration<DiagnosticsSettings>
{
    public void Configure(EntityTypeBuilder<DiagnosticsSettings> b)
    {
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.EapServerNames);
        b.Property(s => s.ClientCertificateIssuers);
        b.OwnsMany(s => s.LoadBalancerCertificates, e => e.ToJson());
        b.Property(s => s.UpdatedBy).HasMaxLength(FieldLimits.Principal);
        b.Property(s => s.Version).IsConcurrencyToken();
    }
}
