using System.Security.Claims;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Api;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Agents;

public static class EnrollmentTokensApi
{
    public static RouteGroupBuilder MapEnrollmentTokensApi(this RouteGroupBuilder api)
    {
        api.MapPost("/enrollment-tokens", async (HttpRequest http, EnrollmentTokens tokens, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var (request, problem) = await JsonBody.ReadAsync<CreateEnrollmentTokenRequest>(
                    http, AgentJson.Options, "{\"role\": \"Rras\", \"serverName\": \"VPN03\", \"validForMinutes\": 60} or {\"replaceServer\": \"VPN01\"}", ct);
                if (request is null)
                {
                    return problem!;
                }

                if (request.Role is { } role && !Enum.IsDefined(role))
                {
                    return Results.Problem(statusCode: 400, title: "role must be Rras or Nps.");
                }

                if (request.ValidForMinutes is < 1 or > 7 * 24 * 60)
                {
                    return Results.Problem(statusCode: 400, title: "validForMinutes must be from 1 to 10080 (7 days).");
                }

                var userId = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : (Guid?)null;
                var validFor = request.ValidForMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
                var result = await tokens.CreateAsync(
                    new EnrollmentTokens.Request((ServerRole?)(int?)request.Role, request.ServerName, request.ReplaceServer, validFor), userId, ct);
                return result.Answer(created => Results.Json(
                    new CreatedEnrollmentToken
                    {
                        Id = created.Row.Id,
                        Role = (AgentRole)(int)created.Row.Role,
                        ServerName = created.Row.ServerName,
                        ReplacesServerId = created.Row.ReplacesServerId,
                        Token = created.Token,
                        ExpiresAt = created.Row.ExpiresAt,
                    },
                    AgentJson.Options,
                    statusCode: StatusCodes.Status201Created));
            })
            .Produces<CreatedEnrollmentToken>(StatusCodes.Status201Created)
            .WithName("CreateEnrollmentToken")
            .WithSummary("Mint a one-time token (shown once) with which the agent of one new RRAS or NPS server enrolls, or that replaces the agent of one server already in the portal.")
            .RequireAuthorization(Policies.ApiAdmin);
        return api;
    }
}
