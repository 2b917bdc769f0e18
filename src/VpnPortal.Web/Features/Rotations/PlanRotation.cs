using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Data;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Certificates;

namespace VpnPortal.Web.Features.Rotations;

/// <summary>
/// Checks an uploaded SSTP certificate and a rollout plan before anything runs, and starts the rollout when both are
/// fit. Nothing is written for a refused plan; the PFX and its password are stored only encrypted.
/// </summary>
public sealed class PlanRotation(PortalDbContext db, TimeProvider time, IOptions<RotationOptions> options, RotationSecrets secrets, RotationConductor conductor)
{
    public const string OperationKind = "sstp-rotation";
    public const int MaxParallelism = 20;

    /// <summary>
    /// The admin's upload and plan. <paramref name="Servers"/> are server names or ids in rollout order; empty means every
    /// RRAS server with an enrolled agent, by name.
    /// </summary>
    public sealed record Request(
        byte[] Pfx, string FileName, string? Password, IReadOnlyList<string> Servers, int Parallelism = 1, DateTimeOffset? WindowStart = null, DateTimeOffset? WindowEnd = null);

    public sealed record CertificateSummary(
        string Sha1Thumbprint, string Sha256Thumbprint, string Subject, IReadOnlyList<string> DnsNames, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter,
        string? KeyAlgorithm, int KeySize);

    public sealed record PlannedServer(Guid Id, string Name, IReadOnlyList<string> PublicFqdns, int Order, bool TlsOffload, string? CurrentSha1);

    /// <summary>The verdict: <see cref="Refusals"/> empty means the rollout may start; <see cref="Warnings"/> are for the admin to read.</summary>
    public sealed record Check(CertificateSummary? Certificate, IReadOnlyList<string> Refusals, IReadOnlyList<string> Warnings, IReadOnlyList<PlannedServer> Servers)
    {
        public bool Fit => Refusals.Count == 0;
    }

    /// <summary>Checks without writing anything.</summary>
    public async Task<Check> CheckAsync(Request request, CancellationToken ct = default)
    {
        var (check, certificate) = await EvaluateAsync(request, ct);
        certificate?.Dispose();
        return check;
    }

    /// <summary>
    /// Checks, and when fit records the rollout (servers in order, secrets encrypted) and sets it going: done with the
    /// rollout's id and the check. An unfit certificate or plan is invalid, and its <see cref="CommandResult{T}.Value"/>
    /// is still the check, so the caller can show every refusal and warning.
    /// </summary>
    public async Task<CommandResult<Check>> StartAsync(Request request, AuditActor actor, CancellationToken ct = default)
    {
        var (check, certificate) = await EvaluateAsync(request, ct);
        using var _ = certificate;
        if (!check.Fit || check.Certificate is null)
        {
            return Refused(check);
        }

        var now = time.GetUtcNow();
        var summary = check.Certificate;
        var rotation = new SstpRotation
        {
            Id = Guid.NewGuid(),
            Sha1Thumbprint = summary.Sha1Thumbprint,
            Sha256Thumbprint = summary.Sha256Thumbprint,
            Subject = summary.Subject,
            NotAfter = summary.NotAfter,
            Warnings = [.. check.Warnings],
            ProtectedPfx = secrets.Protect(request.Pfx),
            ProtectedPassword = secrets.ProtectPassword(request.Password ?? ""),
            Parallelism = request.Parallelism,
            WindowStart = request.WindowStart,
            WindowEnd = request.WindowEnd,
            RequestedBy = actor.Name,
            RequestedByUserId = actor.UserId,
            CreatedAt = now,
        };
        rotation.Servers.AddRange(check.Servers.Select(s => new SstpRotationServer { Id = Guid.NewGuid(), RotationId = rotation.Id, ServerId = s.Id, Order = s.Order }));

        // The commands of the rollout hang off an operation with the rollout's id, like every fleet operation's.
        db.FleetOperations.Add(new FleetOperation
        {
            Id = rotation.Id,
            Kind = OperationKind,
            Target = summary.Subject,
            RequestedByUserId = actor.UserId,
            CreatedAt = now,
        });
        db.SstpRotations.Add(rotation);
        db.Audit(
            "rotation.started",
            $"Started an SSTP certificate rollout of {summary.Sha1Thumbprint} ({summary.Subject}) to {check.Servers.Count} server(s)",
            "sstp-rotation",
            rotation.Id.ToString(),
            after: new
            {
                Certificate = summary.Sha1Thumbprint,
                summary.Subject,
                summary.NotAfter,
                Servers = check.Servers.Select(s => s.Name).ToList(),
                request.Parallelism,
                request.WindowStart,
                request.WindowEnd,
                check.Warnings,
            });
        await db.SaveChangesAsync(ct);
        conductor.Request(null);
        return CommandResult<Check>.Ok(check, rotation.Id);
    }

    /// <summary>A refused plan, with the check that refused it.</summary>
    private static CommandResult<Check> Refused(Check check) => new(
        CommandStatus.Invalid,
        new Dictionary<string, string> { [""] = "The certificate or the plan is not fit: " + string.Join("; ", check.Refusals) + "." },
        check);

    private async Task<(Check Check, System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate)> EvaluateAsync(Request request, CancellationToken ct)
    {
        var refusals = new List<string>();
        var warnings = new List<string>();
        var servers = await PlanServersAsync(request, refusals, ct);
        if (request.Parallelism is < 1 or > MaxParallelism)
        {
            refusals.Add($"the number of servers rotated at a time must be from 1 to {MaxParallelism}");
        }

        var now = time.GetUtcNow();
        if (request.WindowStart is { } start && request.WindowEnd is { } end && end <= start)
        {
            refusals.Add("the maintenance window ends before it starts");
        }
        else if (request.WindowEnd is { } windowEnd && windowEnd <= now)
        {
            refusals.Add("the maintenance window is already over");
        }

        if (request.Pfx.Length > options.Value.MaxPfxBytes)
        {
            refusals.Add($"the file is {request.Pfx.Length / 1024} KB; a PFX for SSTP is a few KB, and files over {options.Value.MaxPfxBytes / 1024} KB are refused");
            return (new Check(null, refusals, warnings, servers), null);
        }

        System.Security.Cryptography.X509Certificates.X509Certificate2 certificate;
        string format;
        try
        {
            (certificate, format) = CertificateFiles.Load(request.Pfx, request.Password, string.IsNullOrWhiteSpace(request.FileName) ? "the file" : Path.GetFileName(request.FileName));
        }
        catch (CertificateFileException e)
        {
            refusals.Add(e.Message);
            return (new Check(null, refusals, warnings, servers), null);
        }

        if (format != "PFX")
        {
            refusals.Add("the file holds only a public certificate; the SSTP certificate must be uploaded as a PFX with its private key");
        }

        var details = CertificateReader.Read(certificate);
        var facts = CertificateReader.Facts(details);
        var rollout = servers.SelectMany(s => s.PublicFqdns.Count == 0 ? [new SstpRolloutServer(s.Name, null)] : s.PublicFqdns.Select(f => new SstpRolloutServer(s.Name, f))).ToList();
        var verdict = SstpRotationCheck.Evaluate(facts, rollout, now);
        refusals.AddRange(verdict.Reasons);
        warnings.AddRange(verdict.Warnings);
        var summary = new CertificateSummary(
            details.Sha1Thumbprint,
            details.Sha256Thumbprint,
            details.Subject,
            [.. facts.DnsNames],
            details.Issuer,
            details.NotBefore,
            details.NotAfter,
            facts.KeyAlgorithm,
            facts.KeySize);
        var alreadyOn = servers.Where(s => string.Equals(s.CurrentSha1, summary.Sha1Thumbprint, StringComparison.OrdinalIgnoreCase)).Select(s => s.Name).ToList();
        if (alreadyOn.Count > 0)
        {
            warnings.Add($"{string.Join(", ", alreadyOn)} already use{(alreadyOn.Count == 1 ? "s" : "")} this certificate for SSTP; the rollout checks {(alreadyOn.Count == 1 ? "it" : "them")} again");
        }

        return (new Check(summary, refusals, warnings, servers), certificate);
    }

    private async Task<List<PlannedServer>> PlanServersAsync(Request request, List<string> refusals, CancellationToken ct)
    {
        var candidates = await db.RrasServers.AsNoTracking()
            .Select(s => new
            {
                s.Id,
                s.Name,
                s.PublicFqdns,
                s.TlsOffload,
                UseHttps = s.Sstp.UseHttps,
                Current = s.Sstp.ConfiguredCertificateSha1,
                HasAgent = s.AgentId != null && s.Agent!.RevokedAt == null,
            })
            .ToListAsync(ct);
        var chosen = new List<(Guid Id, string Name, List<string> PublicFqdns, bool Offload, string? Current, bool HasAgent)>();
        if (request.Servers.Count == 0)
        {
            chosen.AddRange(candidates.Where(c => c.HasAgent).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
                .Select(c => (c.Id, c.Name, c.PublicFqdns, c.TlsOffload || c.UseHttps == false, c.Current, c.HasAgent)));
            if (chosen.Count == 0)
            {
                refusals.Add("no RRAS server has an enrolled agent to carry out the rollout");
            }
        }
        else
        {
            foreach (var wanted in request.Servers.Select(s => s.Trim()).Where(s => s.Length > 0))
            {
                var match = candidates.FirstOrDefault(c => c.Id.ToString().Equals(wanted, StringComparison.OrdinalIgnoreCase) || c.Name.Equals(wanted, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    refusals.Add($"there is no RRAS server '{Clip(wanted)}'");
                }
                else if (chosen.Any(c => c.Id == match.Id))
                {
                    refusals.Add($"{match.Name} is listed twice in the order");
                }
                else
                {
                    chosen.Add((match.Id, match.Name, match.PublicFqdns, match.TlsOffload || match.UseHttps == false, match.Current, match.HasAgent));
                }
            }
        }

        foreach (var server in chosen.Where(c => !c.HasAgent))
        {
            refusals.Add($"{server.Name} has no enrolled agent, so nothing can carry out its steps");
        }

        var ids = chosen.Select(c => c.Id).ToList();
        var busy = await db.SstpRotationServers.AsNoTracking()
            .Where(s => ids.Contains(s.ServerId) && (s.Rotation!.Status == RotationStatus.Running || s.Rotation.Status == RotationStatus.Stopped))
            .Select(s => s.Server!.Name)
            .Distinct()
            .ToListAsync(ct);
        foreach (var name in busy.Order(StringComparer.OrdinalIgnoreCase))
        {
            refusals.Add($"{name} is already in a rollout that has not ended; finish or abandon it first");
        }

        return chosen.Select((c, i) => new PlannedServer(c.Id, c.Name, c.PublicFqdns, i + 1, c.Offload, c.Current)).ToList();
    }

    private static string Clip(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
