using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Certificates;
using VpnPortal.Domain.Naming;
using VpnPortal.Web.Features.Agents;

namespace VpnPortal.Web.AgentApi;

/// <summary>
/// Applies a validated snapshot to one server, in one transaction: the agent's sequence number first (a replayed or
/// out-of-order snapshot stops there), then sessions, bindings, RADIUS settings, certificate locations, counters and
/// the five-minute connection sample. Rows that did not change are not rewritten.
/// </summary>
public sealed class ApplySnapshot(PortalDbContext db, TimeProvider time, SnapshotWriteGate gate, FleetEvents events)
{
    public sealed record Outcome(bool Applied, string? Reason, long LastAppliedSequence);

    public async Task<Outcome> RunAsync(Guid agentId, Guid serverId, ServerRole role, AgentSnapshot snapshot, CancellationToken ct)
    {
        try
        {
            return await ApplyAsync(agentId, serverId, role, snapshot, ct);
        }
        finally
        {
            // Whether applied or rolled back, nothing tracked may leak into a retry or the next use of the context.
            db.ChangeTracker.Clear();
        }
    }

    private async Task<Outcome> ApplyAsync(Guid agentId, Guid serverId, ServerRole role, AgentSnapshot snapshot, CancellationToken ct)
    {
        using var _ = await gate.EnterAsync(db, ct);
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // The conditional update is the replay guard: two copies of one snapshot racing each other cannot both pass.
        var claimed = await db.Agents
            .Where(a => a.Id == agentId && a.RevokedAt == null && a.LastSnapshotSequence < snapshot.Sequence)
            .ExecuteUpdateAsync(
                s => s.SetProperty(a => a.LastSnapshotSequence, snapshot.Sequence)
                    .SetProperty(a => a.LastSeenAt, now)
                    .SetProperty(a => a.AgentVersion, snapshot.AgentVersion.Trim())
                    .SetProperty(a => a.HostFqdn, Clean(snapshot.HostFqdn)),
                ct);
        if (claimed == 0)
        {
            var last = await db.Agents.Where(a => a.Id == agentId).Select(a => a.LastSnapshotSequence).FirstOrDefaultAsync(ct);
            return new Outcome(false, $"Snapshot {snapshot.Sequence} is not newer than snapshot {last}, already applied: ignored as replayed or out of order.", last);
        }

        if (role == ServerRole.Rras)
        {
            await ApplyRrasAsync(serverId, snapshot.Rras!, now, ct);
        }
        else
        {
            await ApplyNpsAsync(serverId, snapshot.Nps!, now, ct);
        }

        await ApplyCertificatesAsync(serverId, snapshot.Certificates, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        events.Publish(new FleetChange(FleetChangeKind.ServerReported, serverId));
        return new Outcome(true, null, snapshot.Sequence);
    }

    private async Task ApplyRrasAsync(Guid serverId, RrasState state, DateTimeOffset now, CancellationToken ct)
    {
        var sstp = state.Sstp;
        var counters = state.Summary;

        // Reported values are written past the change tracker so the server's Version (what an admin's open edit
        // form holds) does not change every 30 seconds: reports and admin edits touch different columns.
        await db.RrasServers.Where(s => s.Id == serverId).ExecuteUpdateAsync(
            s => s.SetProperty(x => x.LastReportAt, now)
                .SetProperty(x => x.Sstp.ListenerPort, sstp.ListenerPort)
                .SetProperty(x => x.Sstp.UseHttps, sstp.UseHttps)
                .SetProperty(x => x.Sstp.Sha256CertificateHash, Thumbprints.Normalize(sstp.Sha256CertificateHash))
                .SetProperty(x => x.Sstp.Sha256CertificateHashSetByAdmin, sstp.Sha256CertificateHash == null ? null : sstp.Sha256CertificateHashSetByAdmin)
                .SetProperty(x => x.Sstp.ConfiguredCertificateSha1, Thumbprints.Normalize(state.ConfiguredSstpCertificateSha1))
                .SetProperty(x => x.Ikev2FragmentationEnabled, state.Ikev2FragmentationEnabled)
                .SetProperty(x => x.Counters.TotalConnections, counters.TotalConnections)
                .SetProperty(x => x.Counters.UniqueUsers, counters.TotalUniqueUsers)
                .SetProperty(x => x.Counters.MaxConcurrentConnections, counters.MaxConcurrentConnections)
                .SetProperty(x => x.Counters.CumulativeConnections, counters.TotalCumulativeConnections)
                .SetProperty(x => x.Counters.TotalBytesIn, counters.TotalBytesIn)
                .SetProperty(x => x.Counters.TotalBytesOut, counters.TotalBytesOut),
            ct);

        await ApplySessionsAsync(serverId, state.Sessions, now, ct);
        await ApplyBindingsAsync(serverId, state.SslBindings, now, ct);
        await ApplyRadiusAsync(serverId, state.RadiusServers, now, ct);
        await ApplySampleAsync(serverId, state.Sessions, counters, now, ct);
    }

    private async Task ApplyNpsAsync(Guid serverId, NpsState state, DateTimeOffset now, CancellationToken ct)
    {
        var mfa = state.MfaExtension;
        await db.NpsServers.Where(s => s.Id == serverId).ExecuteUpdateAsync(
            s => s.SetProperty(x => x.LastReportAt, now)
                .SetProperty(x => x.MfaExtension, mfa.Installed ? MfaExtensionState.Installed : MfaExtensionState.NotInstalled)
                .SetProperty(x => x.MfaExtensionVersion, mfa.Installed ? Clean(mfa.Version) : null)
                .SetProperty(x => x.MfaExtensionCertificateSha1, mfa.Installed ? Thumbprints.Normalize(mfa.CertificateSha1) : null)
                .SetProperty(x => x.MfaClientServicePrincipalEnabled, mfa.Installed ? mfa.ClientServicePrincipalEnabled : null)
                .SetProperty(x => x.MfaConnectorServicePrincipalEnabled, mfa.Installed ? mfa.ConnectorServicePrincipalEnabled : null),
            ct);
    }

    /// <summary>
    /// Sessions in set-based statements (decision 0025): the live ones are read as (id, key, counters) only; the new ones
    /// are inserted in one INSERT, the ones no longer reported ended in one UPDATE, and the ones whose byte counters moved
    /// get them in one UPDATE (<see cref="SessionWrites"/>). A session that did not move is not written.
    /// </summary>
    private async Task ApplySessionsAsync(Guid serverId, IReadOnlyList<ReportedSession> sessions, DateTimeOffset now, CancellationToken ct)
    {
        var live = await db.VpnSessions.AsNoTracking()
            .Where(s => s.RrasServerId == serverId && s.EndedAt == null)
            .Select(s => new LiveSession(s.Id, s.SessionKey, s.BytesIn, s.BytesOut))
            .ToListAsync(ct);
        var byKey = new Dictionary<string, LiveSession>(live.Count, StringComparer.Ordinal);
        var ended = new List<Guid>();
        foreach (var session in live)
        {
            // Two live rows with one key cannot come from reports; end the extra one rather than fail every report.
            if (!byKey.TryAdd(session.Key, session))
            {
                ended.Add(session.Id);
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var moved = new List<SessionWrites.Counters>();
        var added = new List<VpnSession>();
        foreach (var reported in sessions)
        {
            var key = SessionKeyOf(reported);
            if (!seen.Add(key))
            {
                continue; // the same connection listed twice in one report: keep the first
            }

            if (byKey.TryGetValue(key, out var existing))
            {
                if (existing.BytesIn != reported.TotalBytesIn || existing.BytesOut != reported.TotalBytesOut)
                {
                    moved.Add(new SessionWrites.Counters(existing.Id, reported.TotalBytesIn, reported.TotalBytesOut));
                }

                continue;
            }

            var names = reported.UserNames.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            added.Add(new VpnSession
            {
                Id = Guid.NewGuid(),
                RrasServerId = serverId,
                SessionKey = key,
                UserName = names[0],
                UserNames = names,
                IsDeviceTunnel = IsDeviceTunnel(reported, names[0]),
                HostName = Clean(reported.HostName),
                ClientExternalAddress = Clean(reported.ClientExternalAddress),
                ClientInternalAddress = reported.ClientIpAddresses.Count == 0 ? null : string.Join(", ", reported.ClientIpAddresses.Select(a => a.Trim())),
                TunnelType = (TunnelType)(int)reported.TunnelType,
                AuthMethod = Clean(reported.AuthMethod),
                ConnectionStartTime = reported.ConnectionStartTime,
                BytesIn = reported.TotalBytesIn,
                BytesOut = reported.TotalBytesOut,
                FirstSeenAt = now,
                LastSeenAt = now,
            });
        }

        ended.AddRange(byKey.Values.Where(s => !seen.Contains(s.Key)).Select(s => s.Id));
        if (ended.Count > 0)
        {
            await db.VpnSessions.Where(s => ended.Contains(s.Id)).ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now), ct);
        }

        await SessionWrites.UpdateCountersAsync(db, moved, now, ct);
        await SessionWrites.InsertAsync(db, added, ct);
    }

    private sealed record LiveSession(Guid Id, string Key, long BytesIn, long BytesOut);

    /// <summary>
    /// RRAS gives a connection no id. Tunnel, start time (to the second), first user name and tunnel address stay the
    /// same for the life of a connection and differ between two connections of one user.
    /// </summary>
    public static string SessionKeyOf(ReportedSession s)
    {
        var identity = string.Join(
            '|',
            s.TunnelType,
            s.ConnectionStartTime.ToUniversalTime().ToUnixTimeSeconds(),
            s.UserNames.Count == 0 ? "" : s.UserNames[0].Trim().ToLowerInvariant(),
            s.ClientIpAddresses.Count == 0 ? "" : s.ClientIpAddresses[0].Trim().ToLowerInvariant(),
            s.ClientExternalAddress?.Trim().ToLowerInvariant() ?? "");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }

    /// <summary>Device tunnels authenticate with the machine certificate and carry the device FQDN as the user name.</summary>
    private static bool IsDeviceTunnel(ReportedSession s, string userName) =>
        string.Equals(s.AuthMethod, "MachineCertificate", StringComparison.OrdinalIgnoreCase)
        || (s.TunnelType == ReportedTunnelType.Ikev2 && !userName.Contains('@') && !userName.Contains('\\') && userName.Contains('.'));

    private async Task ApplyBindingsAsync(Guid serverId, IReadOnlyList<ReportedSslBinding> bindings, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.SstpBindings.Where(b => b.RrasServerId == serverId).ToListAsync(ct);
        var reported = bindings.ToDictionary(b => b.IpPort.Trim(), StringComparer.OrdinalIgnoreCase);
        foreach (var row in existing)
        {
            if (!reported.Remove(row.IpPort, out var binding))
            {
                db.SstpBindings.Remove(row);
                continue;
            }

            var hash = Thumbprints.Normalize(binding.CertificateHash)!;
            var store = StoreOf(binding);
            if (row.CertificateHash != hash || row.ApplicationId != binding.ApplicationId || row.StoreName != store)
            {
                row.CertificateHash = hash;
                row.ApplicationId = binding.ApplicationId;
                row.StoreName = store;
                row.LastSeenAt = now;
            }
        }

        foreach (var (ipPort, binding) in reported)
        {
            db.SstpBindings.Add(new SstpBinding
            {
                Id = Guid.NewGuid(),
                RrasServerId = serverId,
                IpPort = ipPort,
                CertificateHash = Thumbprints.Normalize(binding.CertificateHash)!,
                ApplicationId = binding.ApplicationId,
                StoreName = StoreOf(binding),
                LastSeenAt = now,
            });
        }
    }

    private static string StoreOf(ReportedSslBinding binding) => string.IsNullOrWhiteSpace(binding.CertificateStoreName) ? "" : binding.CertificateStoreName.Trim().ToUpperInvariant();

    private async Task ApplyRadiusAsync(Guid serverId, IReadOnlyList<ReportedRadiusServer> servers, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.RadiusServerSettings.Where(r => r.RrasServerId == serverId).ToListAsync(ct);
        var reported = servers.ToDictionary(r => (r.Address.Trim().ToLowerInvariant(), r.Port));
        foreach (var row in existing)
        {
            if (!reported.Remove((row.Address.ToLowerInvariant(), row.Port), out var radius))
            {
                db.RadiusServerSettings.Remove(row);
                continue;
            }

            if (row.TimeoutSeconds != radius.TimeoutSeconds || row.Priority != radius.Priority)
            {
                row.TimeoutSeconds = radius.TimeoutSeconds;
                row.Priority = radius.Priority;
                row.LastSeenAt = now;
            }
        }

        foreach (var ((address, port), radius) in reported)
        {
            db.RadiusServerSettings.Add(new RadiusServerSetting
            {
                Id = Guid.NewGuid(),
                RrasServerId = serverId,
                Address = address,
                Port = port,
                TimeoutSeconds = radius.TimeoutSeconds,
                Priority = radius.Priority,
                LastSeenAt = now,
            });
        }
    }

    private async Task ApplySampleAsync(Guid serverId, IReadOnlyList<ReportedSession> sessions, ConnectionSummary counters, DateTimeOffset now, CancellationToken ct)
    {
        var bucket = ConnectionSample.BucketOf(now);
        var sstp = sessions.Count(s => s.TunnelType == ReportedTunnelType.Sstp);
        var ikev2 = sessions.Count(s => s.TunnelType == ReportedTunnelType.Ikev2);
        var devices = sessions.Count(s => IsDeviceTunnel(s, s.UserNames[0]));
        var users = sessions.Select(s => s.UserNames[0].Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        var sample = await db.ConnectionSamples.FirstOrDefaultAsync(x => x.ServerId == serverId && x.BucketStart == bucket, ct);
        if (sample is null)
        {
            db.ConnectionSamples.Add(new ConnectionSample
            {
                ServerId = serverId,
                BucketStart = bucket,
                Sessions = sessions.Count,
                UniqueUsers = users,
                SstpSessions = sstp,
                Ikev2Sessions = ikev2,
                DeviceTunnels = devices,
                BytesIn = counters.TotalBytesIn,
                BytesOut = counters.TotalBytesOut,
            });
            return;
        }

        // The bucket keeps its peak: the chart answers "how many were connected", and a dip between reports is noise.
        if (sessions.Count >= sample.Sessions)
        {
            sample.Sessions = sessions.Count;
            sample.SstpSessions = sstp;
            sample.Ikev2Sessions = ikev2;
            sample.DeviceTunnels = devices;
        }

        sample.UniqueUsers = Math.Max(sample.UniqueUsers, users);
        sample.BytesIn = counters.TotalBytesIn;
        sample.BytesOut = counters.TotalBytesOut;
    }

    private async Task ApplyCertificatesAsync(Guid serverId, IReadOnlyList<ReportedCertificate> reported, DateTimeOffset now, CancellationToken ct)
    {
        var byThumbprint = reported.GroupBy(c => Thumbprints.Normalize(c.Sha1Thumbprint)!).ToDictionary(g => g.Key, g => g.First());
        var thumbprints = byThumbprint.Keys.ToList();
        // Keys only: a certificate's row (its DER included) is read when it is shown, not on every report.
        var known = await db.Certificates.AsNoTracking().Where(c => thumbprints.Contains(c.Sha1Thumbprint))
            .ToDictionaryAsync(c => c.Sha1Thumbprint, c => c.Id, ct);
        foreach (var (thumbprint, certificate) in byThumbprint)
        {
            if (!known.ContainsKey(thumbprint))
            {
                known[thumbprint] = AddCertificate(certificate, now).Id;
            }
        }

        var locations = await db.CertificateLocations.Where(l => l.ServerId == serverId)
            .Select(l => new { Location = l, l.Certificate!.Sha1Thumbprint })
            .ToListAsync(ct);
        var wanted = reported.ToDictionary(c => (Thumbprints.Normalize(c.Sha1Thumbprint)!, (CertificateStoreName)(int)c.Store));
        foreach (var (location, thumbprint) in locations.Select(l => (l.Location, l.Sha1Thumbprint)))
        {
            if (!wanted.Remove((thumbprint, location.Store), out var certificate))
            {
                db.CertificateLocations.Remove(location);
                continue;
            }

            if (location.HasPrivateKey != certificate.HasPrivateKey)
            {
                location.HasPrivateKey = certificate.HasPrivateKey;
                location.LastSeenAt = now;
            }
        }

        foreach (var ((thumbprint, store), certificate) in wanted)
        {
            db.CertificateLocations.Add(new CertificateLocation
            {
                Id = Guid.NewGuid(),
                CertificateId = known[thumbprint],
                ServerId = serverId,
                Store = store,
                HasPrivateKey = certificate.HasPrivateKey,
                FirstSeenAt = now,
                LastSeenAt = now,
            });
        }
    }

    /// <summary>A certificate seen for the first time: its fields are read from the DER, not taken from the report.</summary>
    private Certificate AddCertificate(ReportedCertificate reported, DateTimeOffset now)
    {
        using var x509 = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(reported.RawData));
        var entity = CertificateRow(x509, CertificateSource.Reported, now);
        db.Certificates.Add(entity);
        return entity;
    }

    /// <summary>
    /// A new certificate row with every field read from the certificate itself (reported or uploaded alike). A part that
    /// cannot be read is stored empty; the certificate's page reads the stored DER again and says which.
    /// </summary>
    public static Certificate CertificateRow(X509Certificate2 x509, CertificateSource source, DateTimeOffset now)
    {
        var parsed = CertificateReader.Read(x509);
        return new Certificate
        {
            Id = Guid.NewGuid(),
            Sha1Thumbprint = parsed.Sha1Thumbprint,
            Sha256Thumbprint = parsed.Sha256Thumbprint,
            Subject = Limit(parsed.Subject, Data.Configurations.FieldLimits.Subject),
            SubjectAlternativeNames = parsed.SubjectAlternativeNames.ToList(),
            Issuer = Limit(parsed.Issuer, Data.Configurations.FieldLimits.Subject),
            SerialNumber = parsed.SerialNumber,
            NotBefore = parsed.NotBefore,
            NotAfter = parsed.NotAfter,
            EnhancedKeyUsages = parsed.EnhancedKeyUsages.ToList(),
            CrlDistributionPoints = parsed.CrlDistributionPoints.ToList(),
            KeyAlgorithm = parsed.KeyAlgorithm,
            KeySize = parsed.KeySize,
            IsCertificateAuthority = parsed.IsCertificateAuthority,
            RawData = x509.RawData,
            Source = source,
            FirstSeenAt = now,
        };
    }

    private static string Limit(string value, int max) => value.Length <= max ? value : value[..max];

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>
/// SQLite has one writer: snapshot writes queue here instead of spinning on SQLITE_BUSY. PostgreSQL writes for
/// different servers run in parallel; the sequence guard orders writes for one server.
/// </summary>
public sealed class SnapshotWriteGate
{
    private readonly SemaphoreSlim _sqlite = new(1, 1);

    public async Task<IDisposable> EnterAsync(PortalDbContext db, CancellationToken ct)
    {
        if (!db.IsSqlite)
        {
            return Released.Instance;
        }

        await _sqlite.WaitAsync(ct);
        return new Release(_sqlite);
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }

    private sealed class Released : IDisposable
    {
        public static readonly Released Instance = new();

        public void Dispose()
        {
        }
    }
}
