using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace VpnPortal.Web.Security;

/// <summary>In an interactive circuit there is no HttpContext: take the actor from the circuit's user instead.</summary>
public sealed class CircuitActorHandler(AuthenticationStateProvider authentication, CurrentActor actor, ILogger<CircuitActorHandler> logger) : CircuitHandler, IDisposable
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authentication.AuthenticationStateChanged += OnChanged;
        var state = await authentication.GetAuthenticationStateAsync();
        actor.SetFrom(state.User, null);
    }

    public void Dispose() => authentication.AuthenticationStateChanged -= OnChanged;

    private async void OnChanged(Task<AuthenticationState> task)
    {
        try
        {
            actor.SetFrom((await task).User, null);
        }
        catch (Exception ex)
        {
            // The circuit's user could not be read: act as nobody rather than as the previous user.
            logger.LogWarning(ex, "Could not read the circuit's authentication state");
            actor.SetFrom(new System.Security.Claims.ClaimsPrincipal(), null);
        }
    }
}
