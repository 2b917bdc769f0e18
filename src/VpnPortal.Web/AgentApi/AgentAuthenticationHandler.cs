using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data;

namespace VpnPortal.Web.AgentApi;

/// <summary>
/// Authenticates "Authorization: Bearer vpa_..." against the hashed credentials of enrolled, unrevoked agents, and
/// records that the agent was seen. A missing, unknown or revoked credential is answered 401 with
/// <see cref="AgentErrorCodes.NotEnrolled"/>, which tells the agent to stop.
/// </summary>
public sealed class AgentAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PortalDbContext db,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Agent";
    public const string PolicyName = "Agent";

    public const string NotEnrolledMessage = "This agent is not enrolled: its credential is unknown or was revoked. Enroll it again with a new token.";

    /// <summary>
    /// Last-seen is written at most this often per agent, not on every request: well inside the two report intervals
    /// after which an agent counts as late, and few enough writes that 500 agents do not crowd out their snapshots.
    /// </summary>
    private static readonly TimeSpan LastSeenResolution = TimeSpan.FromSeconds(15);

    public static void AddPolicy(AuthorizationOptions o) =>
        o.AddPolicy(PolicyName, new AuthorizationPolicyBuilder(SchemeName).RequireAuthenticatedUser().RequireClaim(AgentClaims.AgentId).Build());

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var credential = header["Bearer ".Length..].Trim();
        if (!credential.StartsWith(AgentCredentials.Prefix, StringComparison.Ordinal) || credential.Length > AgentCredentials.MaxLength)
        {
            return AuthenticateResult.Fail("Not an agent credential.");
        }

        var hash = AgentCredentials.Hash(credential);
        var agent = await db.Agents.AsNoTracking()
            .Where(a => a.CredentialHash == hash && a.RevokedAt == null)
            .Select(a => new { a.Id, a.ServerId, a.Role, a.MachineName, a.LastSeenAt })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (agent is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked agent credential.");
        }

        var now = time.GetUtcNow();
        if (agent.LastSeenAt is null || now - agent.LastSeenAt > LastSeenResolution)
        {
            await db.Agents.Where(a => a.Id == agent.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastSeenAt, now), Context.RequestAborted);
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(AgentClaims.AgentId, agent.Id.ToString()),
                new Claim(AgentClaims.ServerId, agent.ServerId.ToString()),
                new Claim(AgentClaims.Role, agent.Role.ToString()),
                new Claim(ClaimTypes.Name, agent.MachineName),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"VpnPortal agents\"";
        return Response.WriteAsJsonAsync(
            new AgentProblem
            {
                Error = AgentErrorCodes.NotEnrolled,
                Message = NotEnrolledMessage,
            },
            AgentJson.Options);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => HandleChallengeAsync(properties);
}
