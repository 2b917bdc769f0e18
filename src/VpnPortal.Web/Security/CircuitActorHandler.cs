using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace VpnPortal.Web.Security;

/// <summary>
/// In an interactive circuit there is no request per action: take the actor from the circuit's user instead, and the
/// address from the connection the circuit opened on (after the forwarded headers, the client's), so the audit log and
/// the per-address attempt limits (<see cref="AttemptLimiter"/>) know it there too.
/// </summary>
public sealed class CircuitActorHandler(
    AuthenticationStateProvider authentication, CurrentActor actor, IHttpContextAccessor connection, ILogger<CircuitActorHandler> logger)
    : CircuitHandler, IDisposable
{
    private string? _address;

    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        // The circuit's hub connection is the one request this circuit has; null where the transport gives none.
        _address = connection.HttpContext?.Connection.RemoteIpAddress?.ToString();
        authentication.AuthenticationStateChanged += OnChanged;
        var state = await authentication.GetAuthenticationStateAsync();
        actor.SetFrom(state.User, _address);
    }

    public void Dispose() => authentication.AuthenticationStateChanged -= OnChanged;

    private async void OnChanged(Task<AuthenticationState> task)
    {
        try
        {
            actor.SetFrom((await task).User, _address);
        }
        catch (Exception ex)
        {
            // The circuit's user could not be read: act as nobody rather than as the previous user.
            logger.LogWarning(ex, "Could not read the circuit's authentication state");
            actor.SetFrom(new System.Security.Claims.ClaimsPrincipal(), _address);
        }
    }
}
