using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data.Configurations;

internal sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(FieldLimits.Name).IsRequired();
        b.Property(u => u.UserPrincipalName).HasMaxLength(FieldLimits.Principal);
        b.HasMany(u => u.PhoneMethods).WithOne().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Identity leaves the keys of external logins and tokens unbounded, which SQL Server makes nvarchar(450): two or three
/// of those overflow its 900-byte primary key. There they get the lengths OpenID Connect allows: the issuer as the login
/// provider, the subject (at most 255 characters) as its key.
/// </summary>
internal sealed class IdentityLoginConfiguration : IDialectConfiguration<IdentityUserLogin<Guid>>, IDialectConfiguration<IdentityUserToken<Guid>>
{
    public const int LoginProvider = 128;
    public const int ProviderKey = 255;
    public const int TokenName = 128;

    public void Configure(EntityTypeBuilder<IdentityUserLogin<Guid>> b, SqlDialect sql)
    {
        if (sql.IsSqlServer)
        {
            b.Property(l => l.LoginProvider).HasMaxLength(LoginProvider);
            b.Property(l => l.ProviderKey).HasMaxLength(ProviderKey);
        }
    }

    public void Configure(EntityTypeBuilder<IdentityUserToken<Guid>> b, SqlDialect sql)
    {
        if (sql.IsSqlServer)
        {
            b.Property(t => t.LoginProvider).HasMaxLength(LoginProvider);
            b.Property(t => t.Name).HasMaxLength(TokenName);
        }
    }
}

internal sealed class MfaPhoneMethodConfiguration : IEntityTypeConfiguration<MfaPhoneMethod>
{
    public void Configure(EntityTypeBuilder<MfaPhoneMethod> b)
    {
        // E.164 is at most 16 characters; an office number adds x and up to six digits.
        b.Property(m => m.PhoneNumber).HasMaxLength(FieldLimits.PhoneNumber).IsRequired();
        b.HasIndex(m => new { m.UserId, m.Kind }).IsUnique();
        b.Property(m => m.Version).IsConcurrencyToken();
    }
}

internal sealed class PhoneVerificationConfiguration : IEntityTypeConfiguration<PhoneVerification>
{
    public void Configure(EntityTypeBuilder<PhoneVerification> b)
    {
        b.Property(v => v.PhoneNumber).HasMaxLength(FieldLimits.PhoneNumber).IsRequired();
        b.Property(v => v.Salt).HasMaxLength(16).IsRequired();
        b.Property(v => v.CodeHash).HasMaxLength(32).IsRequired();
        b.Property(v => v.Version).IsConcurrencyToken();
        b.HasOne<PortalUser>().WithMany().HasForeignKey(v => v.UserId).OnDelete(DeleteBehavior.Cascade);
        // The hourly limits: codes sent to a user, and to a number whoever asked.
        b.HasIndex(v => new { v.UserId, v.SentAt });
        b.HasIndex(v => new { v.PhoneNumber, v.SentAt });
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.Property(k => k.Name).HasMaxLength(FieldLimits.Name).IsRequired();
        b.Property(k => k.Prefix).HasMaxLength(16).IsRequired();
        b.Property(k => k.KeyHash).HasMaxLength(32).IsRequired();
        b.HasIndex(k => k.KeyHash).IsUnique();
        b.HasOne(k => k.User).WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SetupTokenConfiguration : IEntityTypeConfiguration<SetupToken>
{
    public void Configure(EntityTypeBuilder<SetupToken> b)
    {
        b.Property(t => t.TokenHash).HasMaxLength(32).IsRequired();
        b.HasIndex(t => t.TokenHash).IsUnique();
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public const string TableName = "AuditEntries";

    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable(TableName);
        b.Property(a => a.Actor).HasMaxLength(FieldLimits.Principal).IsRequired();
        b.Property(a => a.Action).HasMaxLength(FieldLimits.Name).IsRequired();
        b.Property(a => a.EntityType).HasMaxLength(64);
        b.Property(a => a.EntityId).HasMaxLength(128);
        b.Property(a => a.Summary).HasMaxLength(FieldLimits.Notes).IsRequired();
        b.Property(a => a.RemoteAddress).HasMaxLength(64);
        b.HasIndex(a => a.OccurredAt);
        b.HasIndex(a => a.Action);
        b.HasIndex(a => a.ActorUserId);
    }
}

internal sealed class PortalRoleConfiguration : IEntityTypeConfiguration<PortalRole>
{
    public void Configure(EntityTypeBuilder<PortalRole> b)
    {
        b.HasData(Roles.All.Select(name => new PortalRole
        {
            Id = Roles.Ids[name],
            Name = name,
            NormalizedName = name.ToUpperInvariant(),
            ConcurrencyStamp = Roles.Ids[name].ToString(),
        }));
    }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> b)
    {
        b.Property(k => k.FriendlyName).HasMaxLength(FieldLimits.Name).IsRequired();
        b.Property(k => k.Xml).IsRequired();
    }
}
