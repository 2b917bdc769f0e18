using System.Security.Claims;
using VpnPortal.Data.Auditing;

namespace VpnPortal.Web.Security;

/// <summary>
/// Who is acting in this scope: set from the HTTP request's user by <see cref="CurrentActorMiddleware"/>,
/// from the circuit's authentication state in interactive components, or fixed by the CLI.
/// </summary>
public sealed class CurrentActor : IAuditActorAccessor
{
    public const string ApiKeyNameClaim = "vpnportal:api-key-name";

    public AuditActor Current { get; private set; } = new(AuditActorKind.Anonymous, null, "anonymous");

    public void Set(AuditActor actor) => Current = actor;

    public void SetFrom(ClaimsPrincipal principal, string? remoteAddress)
    {
        if (principal.Identity?.IsAuthenticated != true)
        {
            Current = new AuditActor(AuditActorKind.Anonymous, null, "anonymous", remoteAddress);
            return;
        }

        if (principal.FindFirstValue(AgentApi.AgentClaims.AgentId) is not null)
        {
            Current = new AuditActor(AuditActorKind.Agent, null, $"agent on {principal.Identity.Name}", remoteAddress);
            return;
        }

        var id = Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var parsed) ? parsed : (Guid?)null;
        var name = principal.Identity.Name ?? id?.ToString() ?? "unknown";
        var keyName = principal.FindFirstValue(ApiKeyNameClaim);
        Current = keyName is null
            ? new AuditActor(AuditActorKind.User, id, name, remoteAddress)
            : new AuditActor(AuditActorKind.ApiKey, id, $"{name} (API key '{keyName}')", remoteAddress);
    }
}

/// <summary>
/// Sets <see cref="CurrentActor"/> for each HTTP request once authorization has run: endpoints authenticated by a
/// non-default scheme (API keys, agents) have their principal only after the authorization middleware.
/// </summary>
public sealed class CurrentActorMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, CurrentActor actor)
    {
        actor.SetFrom(context.User, context.Connection.RemoteIpAddress?.ToString());
        return next(context);
    }
}
