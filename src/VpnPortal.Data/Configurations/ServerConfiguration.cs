using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data.Configurations;

internal sealed class ManagedServerConfiguration : IDialectConfiguration<ManagedServer>
{
    public void Configure(EntityTypeBuilder<ManagedServer> b, SqlDialect sql)
    {
        b.ToTable("Servers");
        b.HasDiscriminator(s => s.Role)
            .HasValue<RrasServer>(ServerRole.Rras)
            .HasValue<NpsServer>(ServerRole.Nps);
        b.Property(s => s.Name).HasMaxLength(FieldLimits.HostName).IsRequired();
        b.HasIndex(s => s.Name).IsUnique();
        b.Property(s => s.HostFqdn).HasMaxLength(FieldLimits.Fqdn);
        b.Property(s => s.Site).HasMaxLength(FieldLimits.Name);
        b.Property(s => s.Notes).HasMaxLength(FieldLimits.Notes);
        b.Property(s => s.Version).IsConcurrencyToken();
        // An agent belongs to its server (removed with it) and the server names its current agent: SQL Server refuses the
        // cycle of delete actions (error 1785), so there EF clears the reference instead. Agents go only with their server.
        b.HasOne(s => s.Agent).WithMany().HasForeignKey(s => s.AgentId).OnDelete(sql.IsSqlServer ? DeleteBehavior.ClientSetNull : DeleteBehavior.SetNull);
        b.HasIndex(s => s.AgentId);
    }
}

internal sealed class RrasServerConfiguration : IEntityTypeConfiguration<RrasServer>
{
    public void Configure(EntityTypeBuilder<RrasServer> b)
    {
        b.Property(s => s.PublicFqdns);
        b.Property(s => s.LoadBalancerCertificateSha256).HasMaxLength(64);
        b.ComplexProperty(s => s.Sstp, sstp =>
        {
            sstp.Property(x => x.Sha256CertificateHash).HasMaxLength(64);
            sstp.Property(x => x.ConfiguredCertificateSha1).HasMaxLength(40);
        });
        b.ComplexProperty(s => s.Counters);
        b.HasMany(s => s.SstpBindings).WithOne().HasForeignKey(x => x.RrasServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(s => s.RadiusServers).WithOne().HasForeignKey(x => x.RrasServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(s => s.Sessions).WithOne(x => x.RrasServer).HasForeignKey(x => x.RrasServerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NpsServerConfiguration : IEntityTypeConfiguration<NpsServer>
{
    public void Configure(EntityTypeBuilder<NpsServer> b)
    {
        b.Property(s => s.MfaExtensionVersion).HasMaxLength(FieldLimits.Name);
        b.Property(s => s.MfaExtensionCertificateSha1).HasMaxLength(40);
    }
}

internal sealed class SstpBindingConfiguration : IEntityTypeConfiguration<SstpBinding>
{
    public void Configure(EntityTypeBuilder<SstpBinding> b)
    {
        b.Property(x => x.IpPort).HasMaxLength(64).IsRequired();
        b.Property(x => x.CertificateHash).HasMaxLength(64).IsRequired();
        b.Property(x => x.StoreName).HasMaxLength(64).IsRequired();
        b.HasIndex(x => new { x.RrasServerId, x.IpPort }).IsUnique();
    }
}

internal sealed class RadiusServerSettingConfiguration : IEntityTypeConfiguration<RadiusServerSetting>
{
    public void Configure(EntityTypeBuilder<RadiusServerSetting> b)
    {
        b.Property(x => x.Address).HasMaxLength(FieldLimits.Fqdn).IsRequired();
        b.HasIndex(x => new { x.RrasServerId, x.Address, x.Port }).IsUnique();
    }
}

internal sealed class VpnSessionConfiguration : IDialectConfiguration<VpnSession>
{
    public void Configure(EntityTypeBuilder<VpnSession> b, SqlDialect sql)
    {
        b.Property(x => x.UserName).HasMaxLength(FieldLimits.Principal).IsRequired();
        b.Property(x => x.HostName).HasMaxLength(FieldLimits.Fqdn);
        b.Property(x => x.ClientExternalAddress).HasMaxLength(64);
        b.Property(x => x.ClientInternalAddress).HasMaxLength(64);
        b.Property(x => x.AuthMethod).HasMaxLength(64);
        b.Property(x => x.SessionKey).HasMaxLength(FieldLimits.SessionKey).IsRequired();
        b.Property(x => x.UserNames);
        b.HasIndex(x => new { x.RrasServerId, x.EndedAt });

        // Live sessions by the time they ended (none, in the order they were stored) and the history's pruning.
        b.HasIndex(x => x.EndedAt, VpnSessionIndexes.ByEndedAt);

        // The fleet's live sessions (decision 0026): the ended history, kept for weeks, is left out of the indexes that
        // keep the sessions page's orders, so its first page newest connection first (then by id) and by user is read
        // from an index, and live users are told apart on a narrow one. Only columns a session keeps for its life: a
        // report's counter update writes none of them. Every index costs each new session a write at a random place, so
        // none covers what no query reads by (user names are compared in upper case, which no plain index serves).
        var live = $"{sql.Column(nameof(VpnSession.EndedAt))} IS NULL";
        b.HasIndex(x => new { x.ConnectionStartTime, x.Id }, VpnSessionIndexes.LiveByStart).IsDescending(true, false).HasFilter(live);
        b.HasIndex(x => new { x.UserName, x.IsDeviceTunnel }, VpnSessionIndexes.LiveByUser).HasFilter(live);
    }
}

internal sealed class ConnectionSampleConfiguration : IEntityTypeConfiguration<ConnectionSample>
{
    public void Configure(EntityTypeBuilder<ConnectionSample> b)
    {
        b.HasKey(x => new { x.ServerId, x.BucketStart });
        b.HasOne<ManagedServer>().WithMany().HasForeignKey(x => x.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.BucketStart);
    }
}
