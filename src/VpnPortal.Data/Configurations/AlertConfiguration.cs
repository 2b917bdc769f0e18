using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data.Configurations;

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> b)
    {
        b.Property(a => a.Key).HasMaxLength(64).IsRequired();
        b.Property(a => a.OpenKey).HasMaxLength(64);

        // One open alert per certificate or finding, also when two portal nodes scan at once: the second insert fails.
        b.HasIndex(a => a.OpenKey).IsUnique();
        b.HasIndex(a => a.Key);
        b.HasIndex(a => new { a.State, a.Severity });
        b.Property(a => a.Sha1Thumbprint).HasMaxLength(40);
        b.Property(a => a.Title).HasMaxLength(FieldLimits.Name * 2).IsRequired();
        b.Property(a => a.Subject).HasMaxLength(FieldLimits.Subject).IsRequired();
        b.Property(a => a.Purposes);
        b.OwnsMany(a => a.InstalledOn, i => i.ToJson());
        b.Property(a => a.AcknowledgedBy).HasMaxLength(FieldLimits.Principal);
        b.Property(a => a.AcknowledgementNote).HasMaxLength(FieldLimits.Notes);
        b.Property(a => a.ResolutionDetail).HasMaxLength(FieldLimits.Notes);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.HasMany(a => a.Events).WithOne(e => e.Alert).HasForeignKey(e => e.AlertId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AlertEventConfiguration : IEntityTypeConfiguration<AlertEvent>
{
    public void Configure(EntityTypeBuilder<AlertEvent> b)
    {
        b.Property(e => e.Kind).HasMaxLength(32).IsRequired();
        b.Property(e => e.Text).HasMaxLength(FieldLimits.Notes).IsRequired();
        b.Property(e => e.Actor).HasMaxLength(FieldLimits.Principal);
        b.HasIndex(e => new { e.AlertId, e.At });
    }
}

internal sealed class AlertSilenceConfiguration : IEntityTypeConfiguration<AlertSilence>
{
    public void Configure(EntityTypeBuilder<AlertSilence> b)
    {
        b.Property(s => s.Sha1Thumbprint).HasMaxLength(40);
        b.Property(s => s.Reason).HasMaxLength(FieldLimits.Notes).IsRequired();
        b.Property(s => s.CreatedBy).HasMaxLength(FieldLimits.Principal).IsRequired();
        b.Property(s => s.EndedEarlyBy).HasMaxLength(FieldLimits.Principal);
        b.Property(s => s.Version).IsConcurrencyToken();
        b.HasOne(s => s.Server).WithMany().HasForeignKey(s => s.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.EndsAt);
    }
}
