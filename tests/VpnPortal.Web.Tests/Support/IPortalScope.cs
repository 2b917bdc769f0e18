using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VpnPortal.Data.Auditing;
using VpnPortal.Data.Entities;
using VpnPortal.Testing;
using VpnPortal.Web.Features.Notifications;
using VpnPortal.Web.Jobs;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Tests.Support;

/// <summary>What a test helper needs of a portal under test, with or without its web host: its database and its services.</summary>
public interface IPortalScope
{
    TestDatabase Database { get; }

    IServiceProvider Services { get; }

    /// <summary>The number of the next account this portal's tests make (1, 2, ...), which names it when no address is given.</summary>
    int NextUserNumber();
}

/// <summary>The work every portal under test does the same way, web host or not.</summary>
public static class PortalScopeExtensions
{
    /// <summary>Runs <paramref name="work"/> in a fresh DI scope, acting as <paramref name="actor"/> for the audit log.</summary>
    public static async Task<T> InScopeAsync<T>(this IPortalScope portal, Func<IServiceProvider, Task<T>> work, AuditActor? actor = null)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(actor ?? PortalFactory.TestSetupActor);
        return await work(scope.ServiceProvider);
    }

    public static Task InScopeAsync(this IPortalScope portal, Func<IServiceProvider, Task> work, AuditActor? actor = null) =>
        portal.InScopeAsync(async sp =>
        {
            await work(sp);
            return true;
        }, actor);

    /// <summary>Creates an account through Identity's UserManager, as the admin pages and the CLI do.</summary>
    public static Task<TestUser> CreateUserAsync(this IPortalScope portal, string role, string? email = null) =>
        portal.InScopeAsync(sp => TestUsers.CreateAsync(sp, role, email, portal.NextUserNumber()));

    /// <summary>Counts the rows of every table now, to compare after work that must write nothing.</summary>
    public static Task<RowCounts> CountRowsAsync(this IPortalScope portal) => RowCounts.TakeAsync(portal.Database);

    /// <summary>
    /// The row counts once the portal's own reactions to what came before (findings, alerts, their notifications, all
    /// asynchronous, some after a short delay) have stopped writing: every fleet reactor idle, no notification due in the
    /// outbox, and the same counts for a whole second, within 20 s. (Under load a quiet second alone was not enough: the
    /// outbox delivered an API key's notices, and the findings evaluator opened findings, later than that. CI.)
    /// </summary>
    public static async Task<RowCounts> CountRowsWhenSettledAsync(this IPortalScope portal)
    {
        var last = await portal.CountRowsAsync();
        var steady = 0;
        for (var i = 0; i < 80; i++)
        {
            await Task.Delay(250, Xunit.TestContext.Current.CancellationToken);
            // The cheap questions first: every table is counted only once nothing is under way.
            if (!portal.ReactorsAreIdle() || await portal.HasNotificationsDueAsync())
            {
                steady = 0;
                continue;
            }

            var now = await portal.CountRowsAsync();
            steady = now.SameAs(last) ? steady + 1 : 0;
            if (steady == 4)
            {
                return now;
            }

            last = now;
        }

        throw new TimeoutException("The portal kept writing rows, or had notifications due, for 20 s after the test's setup.");
    }

    /// <summary>Whether every fleet reactor (findings, convergence, enforcement, rollouts) has acted on what it was told.</summary>
    private static bool ReactorsAreIdle(this IPortalScope portal) =>
        portal.Services.GetServices<IHostedService>().OfType<FleetReactor>().All(r => r.IsIdle);

    /// <summary>
    /// Whether the outbox holds a message the portal's delivery worker would send now (by the portal's own clock). Without
    /// the worker (a test that delivers for itself) nothing is sent by itself, so nothing is waited for.
    /// </summary>
    private static async Task<bool> HasNotificationsDueAsync(this IPortalScope portal)
    {
        if (!portal.Services.GetServices<IHostedService>().OfType<OutboxDeliveryWorker>().Any())
        {
            return false;
        }

        var now = portal.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var db = portal.Database.CreateContext();
        var states = new[] { OutboxState.Pending, OutboxState.Failed, OutboxState.Delivering };
        var due = await db.NotificationOutbox.AsNoTracking().Where(m => states.Contains(m.State)).Select(m => m.NextAttemptAt).ToListAsync(Xunit.TestContext.Current.CancellationToken);
        return due.Any(at => at <= now);
    }
}
