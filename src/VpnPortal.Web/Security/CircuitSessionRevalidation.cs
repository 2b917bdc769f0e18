using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Security;

/// <summary>
/// The authentication state of an interactive circuit, checked every <see cref="SessionCheckOptions.SessionCheckInterval"/>:
/// a session that has ended, or whose roles changed, turns the circuit anonymous, so its pages send the person to
/// the sign-in page and its actions run as nobody (<see cref="CircuitActorHandler"/>).
/// </summary>
/// <remarks>
/// A database error during a check is not caught here: the base class logs it and makes the circuit anonymous, so
/// an account that cannot be checked keeps no open admin page. The sign-in page then decides with a fresh look.
/// </remarks>
public sealed class CircuitSessionRevalidation(ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<SessionCheckOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<CircuitSessionRevalidation>();

    protected override TimeSpan RevalidationInterval => options.Value.SessionCheckInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        IsStillValidAsync(authenticationState.User);

    /// <summary>True while the circuit may keep its user; in a scope of its own, since the circuit's lives as long as the tab.</summary>
    internal async Task<bool> IsStillValidAsync(ClaimsPrincipal principal)
    {
        await using var scope = scopes.CreateAsyncScope();
        var check = await SessionCheck.CheckAsync(scope.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>(), principal);
        switch (check.Standing)
        {
            case SessionStanding.Ended:
                _logger.LogInformation("Ended the open pages of {User}: the session is over", principal.Identity?.Name);
                return false;
            case SessionStanding.RolesChanged:
                // Reloading gives a principal with the current roles; the sign-in page sends the person back.
                _logger.LogInformation("Reloading the open pages of {User}: their roles changed", principal.Identity?.Name);
                return false;
            default:
                return true;
        }
    }
}
