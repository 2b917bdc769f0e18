using Microsoft.EntityFrameworkCore;
using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Rotations;

/// <summary>A rollout with each server's step, timing and results, for the progress page and the API.</summary>
public sealed class GetRotation(PortalDbContext db)
{
    public sealed record StepRecord(string Step, string Title, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, bool? Succeeded, string? Message);

    public sealed record ServerProgress(
        Guid ServerId, string ServerName, int Order, string State, string? Step, string? StepTitle, DateTimeOffset? StepStartedAt, string? PreviousSha1,
        bool TlsOffload, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, string? FailedStep, string? FailureMessage, string? RollbackMessage,
        IReadOnlyList<StepRecord> History);

    public sealed record Detail(
        Guid Id, string Status, string? StatusReason, string Sha1Thumbprint, string Sha256Thumbprint, string Subject, DateTimeOffset NotAfter,
        IReadOnlyList<string> Warnings, int Parallelism, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd, string RequestedBy, DateTimeOffset CreatedAt,
        DateTimeOffset? EndedAt, bool SecretsHeld, IReadOnlyList<ServerProgress> Servers);

    public sealed record Summary(Guid Id, string Status, string Subject, string Sha1Thumbprint, int Servers, int Done, string RequestedBy, DateTimeOffset CreatedAt, DateTimeOffset? EndedAt);

    public async Task<IReadOnlyList<Summary>> ListAsync(int take = 50, CancellationToken ct = default)
    {
        var rows = await db.SstpRotations.AsNoTracking()
            .OrderByDescending(r => r.CreatedAt)
            .Take(Math.Clamp(take, 1, 500))
            .Select(r => new
            {
                r.Id,
                r.Status,
                r.Subject,
                r.Sha1Thumbprint,
                Servers = r.Servers.Count,
                Done = r.Servers.Count(s => s.State == RotationServerState.Done),
                r.RequestedBy,
                r.CreatedAt,
                r.EndedAt,
            })
            .ToListAsync(ct);
        return rows.Select(r => new Summary(r.Id, RotationText.Status(r.Status), r.Subject, r.Sha1Thumbprint, r.Servers, r.Done, r.RequestedBy, r.CreatedAt, r.EndedAt)).ToList();
    }

    public async Task<Detail?> RunAsync(Guid id, CancellationToken ct = default)
    {
        var rotation = await db.SstpRotations.AsNoTracking().AsSplitQuery()
            .Include(r => r.Servers).ThenInclude(s => s.Server)
            .Include(r => r.Servers).ThenInclude(s => s.History)
            .FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rotation is null)
        {
            return null;
        }

        var servers = rotation.Servers.OrderBy(s => s.Order).Select(s => new ServerProgress(
                s.ServerId,
                s.Server!.Name,
                s.Order,
                RotationText.State(s.State, s.RollbackState),
                s.Step is { } step ? RotationText.Code(step) : null,
                s.Step is { } title ? RotationText.Step(title) : null,
                s.Step is null ? null : s.StepStartedAt,
                s.PreviousSha1,
                s.TlsOffload,
                s.StartedAt,
                s.CompletedAt,
                s.FailedStep is { } failed ? RotationText.Step(failed) : null,
                s.FailureMessage,
                s.RollbackMessage,
                s.History.OrderBy(h => h.StartedAt).ThenBy(h => h.Step)
                    .Select(h => new StepRecord(RotationText.Code(h.Step), RotationText.Step(h.Step), h.StartedAt, h.EndedAt, h.Succeeded, h.Message))
                    .ToList()))
            .ToList();
        return new Detail(
            rotation.Id, RotationText.Status(rotation.Status), rotation.StatusReason, rotation.Sha1Thumbprint, rotation.Sha256Thumbprint, rotation.Subject,
            rotation.NotAfter, rotation.Warnings, rotation.Parallelism, rotation.WindowStart, rotation.WindowEnd, rotation.RequestedBy, rotation.CreatedAt, rotation.EndedAt,
            rotation.ProtectedPfx is not null, servers);
    }
}
