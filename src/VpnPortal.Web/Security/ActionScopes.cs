using VpnPortal.Data.Auditing;

namespace VpnPortal.Web.Security;

/// <summary>
/// Runs an interactive page's action in a fresh DI scope (its own DbContext, nothing tracked from earlier clicks)
/// acting as the circuit's user, so the action's audit entries name that user.
/// </summary>
public sealed class ActionScopes(IServiceScopeFactory scopes, CurrentActor circuitActor)
{
    public async Task<T> RunAsync<TService, T>(Func<TService, AuditActor, Task<T>> work)
        where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        var actor = circuitActor.Current;
        scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(actor);
        return await work(scope.ServiceProvider.GetRequiredService<TService>(), actor);
    }
}
