using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data.Configurations;

internal sealed class NodeSignalConfiguration : IEntityTypeConfiguration<NodeSignal>
{
    /// <summary>The longest payload: a 32-character node id, a kind, a 32-character server id and a flag.</summary>
    public const int PayloadLength = 80;

    public void Configure(EntityTypeBuilder<NodeSignal> b)
    {
        b.Property(s => s.Payload).HasMaxLength(PayloadLength).IsRequired();
        b.HasIndex(s => s.SentAtUnixMs);
    }
}
