using VpnPortal.Data.Auditing;

namespace VpnPortal.Web.Security;

/// <summary>
/// The one way an interactive page reaches a feature's handler: each call runs in a fresh DI scope (its own DbContext,
/// nothing tracked from earlier clicks) acting as the circuit's user, so the handler's audit entries name that user.
/// Handlers are registered by their feature (<c>Add…Feature</c>); a page never makes a DbContext or a handler itself
/// (decision 0001).
/// </summary>
/// <example><code>
/// detail = await Actions.RunAsync&lt;GetServer, GetServer.Detail?&gt;((get, _) => get.RunAsync(Id));
/// var result = await Actions.RunAsync&lt;AcknowledgeAlert, CommandResult&gt;((ack, actor) => ack.RunAsync(Id, note, actor));
/// </code></example>
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
