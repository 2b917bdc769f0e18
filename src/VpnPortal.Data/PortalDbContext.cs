using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Configurations;
using VpnPortal.Data.Entities;

namespace VpnPortal.Data;

/// <summary>The portal's database: the fleet, its certificates, people, agents and the audit log.</summary>
public sealed class PortalDbContext : IdentityDbContext<PortalUser, PortalRole, Guid>, IDataProtectionKeyContext
{
    public const string SqliteProviderName = "Microsoft.EntityFrameworkCore.Sqlite";
    public const string SqlServerProviderName = "Microsoft.EntityFrameworkCore.SqlServer";

    /// <summary>
    /// The collation of every text column on SQL Server: compares code point by code point, as PostgreSQL's and SQLite's
    /// columns do, whatever the database's default (case-insensitive on most installations). See docs/decisions/0004.
    /// </summary>
    public const string SqlServerCollation = "Latin1_General_100_BIN2";

    private readonly IAuditActorAccessor? _actor;
    private readonly TimeProvider _time;

    public PortalDbContext(DbContextOptions<PortalDbContext> options, IAuditActorAccessor? actor = null, TimeProvider? time = null)
        : base(options)
    {
        _actor = actor;
        _time = time ?? TimeProvider.System;
    }

    public DbSet<ManagedServer> Servers => Set<ManagedServer>();
    public DbSet<RrasServer> RrasServers => Set<RrasServer>();
    public DbSet<NpsServer> NpsServers => Set<NpsServer>();
    public DbSet<SstpBinding> SstpBindings => Set<SstpBinding>();
    public DbSet<RadiusServerSetting> RadiusServerSettings => Set<RadiusServerSetting>();
    public DbSet<Certificate> Certificates => Set<Certificate>();
    public DbSet<CertificateLocation> CertificateLocations => Set<CertificateLocation>();
    public DbSet<CertificateName> CertificateNames => Set<CertificateName>();
    public DbSet<UntrustedCertificate> UntrustedCertificates => Set<UntrustedCertificate>();
    public DbSet<UntrustedCertificatePlacement> UntrustedCertificatePlacements => Set<UntrustedCertificatePlacement>();
    public DbSet<UntrustedCertificateDrift> UntrustedCertificateDrifts => Set<UntrustedCertificateDrift>();
    public DbSet<VpnSession> VpnSessions => Set<VpnSession>();
    public DbSet<ConnectionSample> ConnectionSamples => Set<ConnectionSample>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<AgentEnrollmentToken> AgentEnrollmentTokens => Set<AgentEnrollmentToken>();
    public DbSet<AgentCommand> AgentCommands => Set<AgentCommand>();
    public DbSet<FleetOperation> FleetOperations => Set<FleetOperation>();
    public DbSet<DisconnectEnforcement> DisconnectEnforcements => Set<DisconnectEnforcement>();
    public DbSet<EnforcedDisconnect> EnforcedDisconnects => Set<EnforcedDisconnect>();
    public DbSet<SstpRotation> SstpRotations => Set<SstpRotation>();
    public DbSet<SstpRotationServer> SstpRotationServers => Set<SstpRotationServer>();
    public DbSet<SstpRotationStepRecord> SstpRotationSteps => Set<SstpRotationStepRecord>();
    public DbSet<DiagnosticFinding> DiagnosticFindings => Set<DiagnosticFinding>();
    public DbSet<DiagnosticSuppression> DiagnosticSuppressions => Set<DiagnosticSuppression>();
    public DbSet<DiagnosticsSettings> DiagnosticsSettings => Set<DiagnosticsSettings>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<AlertEvent> AlertEvents => Set<AlertEvent>();
    public DbSet<AlertSilence> AlertSilences => Set<AlertSilence>();
    public DbSet<MfaPhoneMethod> MfaPhoneMethods => Set<MfaPhoneMethod>();
    public DbSet<PhoneVerification> PhoneVerifications => Set<PhoneVerification>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<SetupToken> SetupTokens => Set<SetupToken>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    /// <summary>ASP.NET Core data-protection keys, kept here so every node shares cookies and protected settings.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<OnCallRotation> OnCallRotations => Set<OnCallRotation>();
    public DbSet<OnCallOverride> OnCallOverrides => Set<OnCallOverride>();
    public DbSet<NotificationPreference> NotificationPreferences => Set<NotificationPreference>();
    public DbSet<DisplayPreference> DisplayPreferences => Set<DisplayPreference>();
    public DbSet<SmtpChannelSettings> SmtpChannelSettings => Set<SmtpChannelSettings>();
    public DbSet<WebhookChannel> WebhookChannels => Set<WebhookChannel>();
    public DbSet<NotificationOutboxMessage> NotificationOutbox => Set<NotificationOutboxMessage>();
    public DbSet<NotificationDeliveryAttempt> NotificationDeliveryAttempts => Set<NotificationDeliveryAttempt>();
    public DbSet<PortalNotification> PortalNotifications => Set<PortalNotification>();
    /// <summary>The node relay's hints on SQL Server, which has no LISTEN/NOTIFY (see TableNodeRelay).</summary>
    public DbSet<NodeSignal> NodeSignals => Set<NodeSignal>();

    public bool IsSqlite => Database.ProviderName == SqliteProviderName;

    public bool IsSqlServer => Database.ProviderName == SqlServerProviderName;

    /// <summary>Writes an audit entry for an action that is not an entity change (sign-in, key shown, ...).</summary>
    public void Audit(string action, string summary, string? entityType = null, string? entityId = null, object? before = null, object? after = null)
    {
        var actor = _actor?.Current ?? AuditActor.System;
        AuditEntries.Add(new AuditEntry
        {
            OccurredAt = _time.GetUtcNow(),
            ActorUserId = actor.UserId,
            Actor = actor.Name,
            RemoteAddress = actor.RemoteAddress,
            Action = action,
            Summary = summary,
            EntityType = entityType,
            EntityId = entityId,
            BeforeJson = before is null ? null : System.Text.Json.JsonSerializer.Serialize(before),
            AfterJson = after is null ? null : System.Text.Json.JsonSerializer.Serialize(after),
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        base.ConfigureConventions(builder);
        if (IsSqlite)
        {
            // SQLite has no date type: store UTC ticks so ordering and comparisons run in SQL.
            builder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }

        if (IsSqlServer)
        {
            // A unique name, a key or an equality means on SQL Server what it means on the other two: exact, case and all.
            builder.Properties<string>().UseCollation(SqlServerCollation);
        }
    }

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.AddInterceptors(OutboxInsertInterceptor.Instance, IndexHints.SqliteInterceptor.Instance);

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);

        // Configurations that write SQL of their own (index filters) or meet a limit of one provider take its dialect.
        var sql = new SqlDialect(Database.ProviderName);
        builder.ApplyConfiguration(new DiagnosticFindingConfiguration(), sql);
        builder.ApplyConfiguration(new ManagedServerConfiguration(), sql);
        builder.ApplyConfiguration(new UntrustedCertificatePlacementConfiguration(), sql);
        builder.ApplyConfiguration(new VpnSessionConfiguration(), sql);
        builder.ApplyConfiguration<IdentityUserLogin<Guid>>(new IdentityLoginConfiguration(), sql);
        builder.ApplyConfiguration<IdentityUserToken<Guid>>(new IdentityLoginConfiguration(), sql);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        PrepareForSave();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        PrepareForSave();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void PrepareForSave()
    {
        ChangeTracker.DetectChanges();
        var now = _time.GetUtcNow();

        foreach (var entry in ChangeTracker.Entries<AuditEntry>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new AuditLogAppendOnlyException();
            }
        }

        foreach (var entry in ChangeTracker.Entries<AgentCommand>())
        {
            if (entry.State == EntityState.Modified
                && entry.Property(c => c.Status).OriginalValue is var was && AgentCommand.IsTerminal(was) && entry.Entity.Status != was)
            {
                throw new TerminalCommandException(entry.Entity.Id, was, entry.Entity.Status);
            }
        }

        // A new certificate's names are indexed in the same save, so the alert scan never has to write them.
        foreach (var entry in ChangeTracker.Entries<Certificate>().Where(e => e.State == EntityState.Added).ToList())
        {
            CertificateNames.AddRange(CertificateName.For(entry.Entity));
        }

        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State == EntityState.Added && entry.Entity.Version == Guid.Empty || entry.State == EntityState.Modified)
            {
                entry.Entity.Version = Guid.NewGuid();
            }
        }

        foreach (var entry in ChangeTracker.Entries<ManagedServer>())
        {
            if (entry.State == EntityState.Added && entry.Entity.CreatedAt == default)
            {
                entry.Entity.CreatedAt = now;
            }

            if (entry.State is EntityState.Added or EntityState.Modified)
            {
                entry.Entity.UpdatedAt = now;
            }
        }

        var actor = _actor?.Current ?? AuditActor.System;
        if (actor.IsAudited)
        {
            AuditEntries.AddRange(AuditRecorder.Collect(this, actor, now));
        }
    }
}

/// <summary>Thrown when code tries to move an agent command out of a terminal state.</summary>
public sealed class TerminalCommandException(Guid commandId, AgentCommandStatus from, AgentCommandStatus to)
    : InvalidOperationException($"Agent command {commandId} is {from}, a terminal state: it cannot become {to}.");

/// <summary>Thrown when code tries to change or remove an audit entry.</summary>
public sealed class AuditLogAppendOnlyException()
    : InvalidOperationException("The audit log is append-only: entries cannot be changed or deleted.");
