using Microsoft.EntityFrameworkCore;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Data.Tests.Auditing;

internal static class AuditLogReading
{
    /// <summary>The whole audit log as stored, oldest first, read through a fresh context.</summary>
    public static async Task<List<AuditEntry>> ReadAuditLogAsync(this TestDatabase db)
    {
        await using var context = db.CreateContext();
        return await context.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync(TestContext.Current.CancellationToken);
    }
}
