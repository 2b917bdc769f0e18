using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data.Configurations;

internal sealed class DiagnosticFindingConfiguration : IEntityTypeConfiguration<DiagnosticFinding>
{
    public void Configure(EntityTypeBuilder<DiagnosticFinding> b)
    {
        b.Property(f => f.RuleId).HasMaxLength(64).IsRequired();
        b.Property(f => f.Key).HasMaxLength(FieldLimits.Principal).IsRequired();
        b.Property(f => f.Title).HasMaxLength(FieldLimits.Name * 2).IsRequired();
        b.Property(f => f.Summary).HasMaxLength(FieldLimits.Notes).IsRequired();
        b.OwnsMany(f => f.Evidence, e => e.ToJson());
        b.Property(f => f.FixSteps);
        b.HasOne(f => f.Server).WithMany().HasForeignKey(f => f.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(f => new { f.ServerId, f.ResolvedAt });

        // One open finding per server, rule and key; both providers take this filter as written.
        b.HasIndex(f => new { f.ServerId, f.RuleId, f.Key }).IsUnique().HasFilter("\"ResolvedAt\" IS NULL");
        b.HasIndex(f => new { f.ResolvedAt, f.Severity });
    }
}
