using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data.Configurations;

internal sealed class AgentConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> b)
    {
        b.Property(a => a.MachineName).HasMaxLength(FieldLimits.Fqdn).IsRequired();
        b.Property(a => a.AgentVersion).HasMaxLength(64);
        b.Property(a => a.HostFqdn).HasMaxLength(FieldLimits.Fqdn);
        b.Property(a => a.OsVersion).HasMaxLength(FieldLimits.Name);
        b.Property(a => a.RevokedReason).HasMaxLength(FieldLimits.Name);
        b.HasOne(a => a.Server).WithMany().HasForeignKey(a => a.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => a.ServerId);
        b.Property(a => a.CredentialHash).HasMaxLength(32).IsRequired();
        b.HasIndex(a => a.CredentialHash).IsUnique();
        b.Property(a => a.Version).IsConcurrencyToken();
    }
}

internal sealed class AgentEnrollmentTokenConfiguration : IEntityTypeConfiguration<AgentEnrollmentToken>
{
    public void Configure(EntityTypeBuilder<AgentEnrollmentToken> b)
    {
        b.Property(t => t.TokenHash).HasMaxLength(32).IsRequired();
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.Property(t => t.ServerName).HasMaxLength(FieldLimits.HostName);

        // A replacement token is for that server alone: removing the server removes the tokens that could replace it.
        b.HasOne(t => t.ReplacesServer).WithMany().HasForeignKey(t => t.ReplacesServerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AgentCommandConfiguration : IEntityTypeConfiguration<AgentCommand>
{
    public void Configure(EntityTypeBuilder<AgentCommand> b)
    {
        b.Property(c => c.Kind).HasMaxLength(64).IsRequired();
        b.Property(c => c.PayloadJson).IsRequired();
        b.Property(c => c.ResultMessage).HasMaxLength(FieldLimits.Notes);
        b.Property(c => c.RequestedBy).HasMaxLength(FieldLimits.Principal).IsRequired();
        b.HasIndex(c => new { c.Status, c.ExecuteBy });
        b.HasOne(c => c.Server).WithMany().HasForeignKey(c => c.ServerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(c => c.Operation).WithMany(o => o.Commands).HasForeignKey(c => c.OperationId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(c => new { c.ServerId, c.Status });
        b.Property(c => c.Version).IsConcurrencyToken();
    }
}

internal sealed class FleetOperationConfiguration : IEntityTypeConfiguration<FleetOperation>
{
    public void Configure(EntityTypeBuilder<FleetOperation> b)
    {
        b.Property(o => o.Kind).HasMaxLength(64).IsRequired();
        b.Property(o => o.Target).HasMaxLength(FieldLimits.Principal).IsRequired();
        b.HasIndex(o => o.CreatedAt);
    }
}
