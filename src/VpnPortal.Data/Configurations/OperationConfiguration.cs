using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data.Configurations;

internal sealed class DisconnectEnforcementConfiguration : IEntityTypeConfiguration<DisconnectEnforcement>
{
    public void Configure(EntityTypeBuilder<DisconnectEnforcement> b)
    {
        b.Property(e => e.Identity).HasMaxLength(FieldLimits.Principal).IsRequired();
        b.Property(e => e.IdentityKey).HasMaxLength(FieldLimits.Principal).IsRequired();
        b.HasOne(e => e.Operation).WithMany().HasForeignKey(e => e.OperationId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => e.OperationId).IsUnique();
        b.HasIndex(e => e.EndsAt);
        b.Property(e => e.Version).IsConcurrencyToken();
    }
}

internal sealed class EnforcedDisconnectConfiguration : IEntityTypeConfiguration<EnforcedDisconnect>
{
    public void Configure(EntityTypeBuilder<EnforcedDisconnect> b)
    {
        b.HasOne(e => e.Enforcement).WithMany(e => e.Redisconnects).HasForeignKey(e => e.EnforcementId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(e => e.Server).WithMany().HasForeignKey(e => e.ServerId).OnDelete(DeleteBehavior.Cascade);

        // No cascade path from commands: the server cascade already removes both.
        b.HasOne(e => e.Command).WithMany().HasForeignKey(e => e.CommandId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(e => new { e.EnforcementId, e.ServerId });
    }
}

internal sealed class SstpRotationConfiguration : IEntityTypeConfiguration<SstpRotation>
{
    public void Configure(EntityTypeBuilder<SstpRotation> b)
    {
        b.Property(r => r.Sha1Thumbprint).HasMaxLength(40).IsRequired();
        b.Property(r => r.Sha256Thumbprint).HasMaxLength(64).IsRequired();
        b.Property(r => r.Subject).HasMaxLength(FieldLimits.Subject).IsRequired();
        b.Property(r => r.Warnings);
        b.Property(r => r.RequestedBy).HasMaxLength(FieldLimits.Principal).IsRequired();
        b.Property(r => r.StatusReason).HasMaxLength(FieldLimits.Notes);
        b.HasIndex(r => new { r.Status, r.CreatedAt });
        b.Property(r => r.Version).IsConcurrencyToken();
    }
}

internal sealed class SstpRotationServerConfiguration : IEntityTypeConfiguration<SstpRotationServer>
{
    public void Configure(EntityTypeBuilder<SstpRotationServer> b)
    {
        b.HasOne(s => s.Rotation).WithMany(r => r.Servers).HasForeignKey(s => s.RotationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(s => s.Server).WithMany().HasForeignKey(s => s.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.RotationId, s.ServerId }).IsUnique();
        b.Property(s => s.PreviousSha1).HasMaxLength(40);
        b.Property(s => s.PreviousOffloadHash).HasMaxLength(64);
        b.Property(s => s.FailureMessage).HasMaxLength(FieldLimits.Notes);
        b.Property(s => s.RollbackMessage).HasMaxLength(FieldLimits.Notes);
        b.Property(s => s.Version).IsConcurrencyToken();
    }
}

internal sealed class SstpRotationStepRecordConfiguration : IEntityTypeConfiguration<SstpRotationStepRecord>
{
    public void Configure(EntityTypeBuilder<SstpRotationStepRecord> b)
    {
        b.HasOne(s => s.RotationServer).WithMany(s => s.History).HasForeignKey(s => s.RotationServerId).OnDelete(DeleteBehavior.Cascade);
        b.Property(s => s.Message).HasMaxLength(FieldLimits.Notes);
        b.HasIndex(s => new { s.RotationServerId, s.StartedAt });
    }
}
