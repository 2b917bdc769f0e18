using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data.Configurations;

/// <summary>Column limits of the notification tables, shared with input validation.</summary>
public static class NotificationLimits
{
    public const int SourceKey = 200;
    public const int Channel = 64;
    public const int TimeZoneId = 64;
    public const int Error = 2000;
    public const int Url = 2048;
}

internal sealed class OnCallRotationConfiguration : IEntityTypeConfiguration<OnCallRotation>
{
    public void Configure(EntityTypeBuilder<OnCallRotation> b)
    {
        b.Property(r => r.TimeZoneId).HasMaxLength(NotificationLimits.TimeZoneId).IsRequired();
        b.Property(r => r.MemberUserIds);
        b.Property(r => r.Version).IsConcurrencyToken();
    }
}

internal sealed class OnCallOverrideConfiguration : IEntityTypeConfiguration<OnCallOverride>
{
    public void Configure(EntityTypeBuilder<OnCallOverride> b)
    {
        b.Property(o => o.Reason).HasMaxLength(FieldLimits.Notes);
        b.HasOne(o => o.User).WithMany().HasForeignKey(o => o.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(o => o.EndsAt);
        b.Property(o => o.Version).IsConcurrencyToken();
    }
}

internal sealed class NotificationPreferenceConfiguration : IEntityTypeConfiguration<NotificationPreference>
{
    public void Configure(EntityTypeBuilder<NotificationPreference> b)
    {
        b.HasKey(p => p.UserId);
        b.HasOne<PortalUser>().WithOne().HasForeignKey<NotificationPreference>(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(p => p.EmailAddress).HasMaxLength(FieldLimits.Principal);
        b.Property(p => p.TimeZoneId).HasMaxLength(NotificationLimits.TimeZoneId).IsRequired();
        b.Property(p => p.Version).IsConcurrencyToken();
    }
}

internal sealed class SmtpChannelSettingsConfiguration : IEntityTypeConfiguration<SmtpChannelSettings>
{
    public void Configure(EntityTypeBuilder<SmtpChannelSettings> b)
    {
        b.Property(s => s.Host).HasMaxLength(FieldLimits.Fqdn).IsRequired();
        b.Property(s => s.UserName).HasMaxLength(FieldLimits.Principal);
        b.Property(s => s.FromAddress).HasMaxLength(FieldLimits.Principal).IsRequired();
        b.Property(s => s.TrustedCertificateSha256).HasMaxLength(64);
        b.Property(s => s.Version).IsConcurrencyToken();
    }
}

internal sealed class WebhookChannelConfiguration : IEntityTypeConfiguration<WebhookChannel>
{
    public void Configure(EntityTypeBuilder<WebhookChannel> b)
    {
        b.Property(w => w.Name).HasMaxLength(FieldLimits.Name).IsRequired();
        b.HasIndex(w => w.Name).IsUnique();
        b.Property(w => w.UrlHint).HasMaxLength(NotificationLimits.Url).IsRequired();
        b.Property(w => w.ProtectedUrl).IsRequired();
        b.Property(w => w.Version).IsConcurrencyToken();
    }
}

internal sealed class NotificationOutboxMessageConfiguration : IEntityTypeConfiguration<NotificationOutboxMessage>
{
    public const string TableName = "NotificationOutbox";

    public void Configure(EntityTypeBuilder<NotificationOutboxMessage> b)
    {
        b.ToTable(TableName);
        b.Property(m => m.SourceKey).HasMaxLength(NotificationLimits.SourceKey).IsRequired();
        b.Property(m => m.Channel).HasMaxLength(NotificationLimits.Channel).IsRequired();
        b.Property(m => m.ToAddress).HasMaxLength(FieldLimits.Principal);
        b.Property(m => m.ContentJson).IsRequired();
        b.Property(m => m.ClaimedBy).HasMaxLength(FieldLimits.Name);
        b.Property(m => m.LastError).HasMaxLength(NotificationLimits.Error);

        // Delivered at most once, whoever enqueues it and on however many nodes (inserts use ON CONFLICT DO NOTHING on it).
        b.HasIndex(m => new { m.SourceKey, m.RecipientUserId, m.Channel }).IsUnique();
        b.HasIndex(m => new { m.State, m.NextAttemptAt });
        b.HasIndex(m => m.AlertId);
        b.HasMany(m => m.AttemptLog).WithOne().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationDeliveryAttemptConfiguration : IEntityTypeConfiguration<NotificationDeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<NotificationDeliveryAttempt> b)
    {
        b.Property(a => a.Error).HasMaxLength(NotificationLimits.Error);
        b.Property(a => a.Node).HasMaxLength(FieldLimits.Name).IsRequired();
        b.HasIndex(a => new { a.MessageId, a.Number });
    }
}

internal sealed class PortalNotificationConfiguration : IEntityTypeConfiguration<PortalNotification>
{
    public void Configure(EntityTypeBuilder<PortalNotification> b)
    {
        b.Property(n => n.Severity).HasMaxLength(32).IsRequired();
        b.Property(n => n.Subject).HasMaxLength(FieldLimits.Subject).IsRequired();
        b.Property(n => n.Body).IsRequired();
        b.Property(n => n.LinksJson).IsRequired();
        b.HasIndex(n => n.OutboxMessageId).IsUnique();
        b.HasIndex(n => new { n.UserId, n.ReadAt });
        b.HasOne<PortalUser>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DisplayPreferenceConfiguration : IEntityTypeConfiguration<DisplayPreference>
{
    public void Configure(EntityTypeBuilder<DisplayPreference> b)
    {
        b.HasKey(p => p.UserId);
        b.HasOne<PortalUser>().WithOne().HasForeignKey<DisplayPreference>(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(p => p.Version).IsConcurrencyToken();
    }
}
