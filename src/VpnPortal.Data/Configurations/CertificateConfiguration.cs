using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data.Configurations;

internal sealed class CertificateConfiguration : IEntityTypeConfiguration<Certificate>
{
    public void Configure(EntityTypeBuilder<Certificate> b)
    {
        b.Property(c => c.Sha1Thumbprint).HasMaxLength(40).IsRequired();
        b.HasIndex(c => c.Sha1Thumbprint).IsUnique();
        b.Property(c => c.Sha256Thumbprint).HasMaxLength(64).IsRequired();
        b.HasIndex(c => c.Sha256Thumbprint);
        b.Property(c => c.Subject).HasMaxLength(FieldLimits.Subject).IsRequired();
        b.Property(c => c.Issuer).HasMaxLength(FieldLimits.Subject).IsRequired();
        b.Property(c => c.SerialNumber).HasMaxLength(128).IsRequired();
        b.Property(c => c.KeyAlgorithm).HasMaxLength(64).IsRequired();
        b.Property(c => c.Notes).HasMaxLength(FieldLimits.Notes);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasIndex(c => c.NotAfter);
        b.HasMany(c => c.Locations).WithOne(l => l.Certificate).HasForeignKey(l => l.CertificateId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CertificateLocationConfiguration : IEntityTypeConfiguration<CertificateLocation>
{
    public void Configure(EntityTypeBuilder<CertificateLocation> b)
    {
        b.HasOne(l => l.Server).WithMany(s => s.CertificateLocations).HasForeignKey(l => l.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(l => new { l.CertificateId, l.ServerId, l.Store }).IsUnique();
        b.HasIndex(l => new { l.ServerId, l.Store });
    }
}

internal sealed class CertificateNameConfiguration : IEntityTypeConfiguration<CertificateName>
{
    public void Configure(EntityTypeBuilder<CertificateName> b)
    {
        b.HasKey(n => new { n.CertificateId, n.Name });
        b.Property(n => n.Name).HasMaxLength(FieldLimits.Fqdn);
        b.HasIndex(n => n.Name);
        b.HasOne(n => n.Certificate).WithMany().HasForeignKey(n => n.CertificateId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UntrustedCertificateConfiguration : IEntityTypeConfiguration<UntrustedCertificate>
{
    public void Configure(EntityTypeBuilder<UntrustedCertificate> b)
    {
        b.HasOne(u => u.Certificate).WithMany().HasForeignKey(u => u.CertificateId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(u => u.CertificateId).IsUnique();
        b.Property(u => u.Reason).HasMaxLength(FieldLimits.Notes);
        b.Property(u => u.Version).IsConcurrencyToken();
        b.HasMany(u => u.Placements).WithOne(p => p.UntrustedCertificate).HasForeignKey(p => p.UntrustedCertificateId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UntrustedCertificatePlacementConfiguration : IDialectConfiguration<UntrustedCertificatePlacement>
{
    public void Configure(EntityTypeBuilder<UntrustedCertificatePlacement> b, SqlDialect sql)
    {
        b.HasIndex(p => new { p.UntrustedCertificateId, p.ServerId }).IsUnique();
        b.HasOne(p => p.Server).WithMany().HasForeignKey(p => p.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => p.ServerId);

        // Finished commands are pruned after the retention period; the placement then just forgets which was last (the
        // pruning clears it first: on SQL Server a second delete path from servers to placements is refused, error 1785).
        b.HasOne(p => p.LastCommand).WithMany().HasForeignKey(p => p.LastCommandId).OnDelete(sql.IsSqlServer ? DeleteBehavior.ClientSetNull : DeleteBehavior.SetNull);
        b.Property(p => p.Version).IsConcurrencyToken();
    }
}

internal sealed class UntrustedCertificateDriftConfiguration : IEntityTypeConfiguration<UntrustedCertificateDrift>
{
    public void Configure(EntityTypeBuilder<UntrustedCertificateDrift> b)
    {
        // Tied to the certificate, not to its place in the set: the history outlives a removal from the set.
        b.HasOne(d => d.Certificate).WithMany().HasForeignKey(d => d.CertificateId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(d => d.Server).WithMany().HasForeignKey(d => d.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => d.DetectedAt);
        b.HasIndex(d => new { d.CertificateId, d.ServerId, d.CorrectedAt });
    }
}
