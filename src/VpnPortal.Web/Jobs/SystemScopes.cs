using VpnPortal.Data.Auditing;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Jobs;

public static class SystemScopes
{
    /// <summary>
    /// A scope for work nobody asked for in a request (jobs, reactors): what it writes is the portal's own doing, recorded
    /// as the system rather than as an anonymous person.
    /// </summary>
    public static AsyncServiceScope CreateSystemScope(this IServiceScopeFactory scopes)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(AuditActor.System);
        return scope;
    }
}
