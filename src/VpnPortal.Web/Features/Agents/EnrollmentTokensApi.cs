using System.Security.Claims;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Agents;

public static class EnrollmentTokensApi
{
    public static RouteGroupBuilder MapEnrollmentTokensApi(this RouteGroupBuilder api)
    {
        api.MapPost("/enrollment-tokens", async (HttpRequest http, EnrollmentTokens tokens, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var (request, problem) = await Api.JsonBody.ReadAsync<CreateEnrollmentTokenRequest>(
                    http, AgentJson.Options, "{\"role\": \"Rras\", \"validForMinutes\": 60}", ct);
                if (request is null)
                {
                    return problem!;
                }

                if (!Enum.IsDefined(request.Role))
                {
                    return Results.Problem(statusCode: 400, title: "role must be Rras or Nps.");
                }

                if (request.ValidForMinutes is < 1 or > 7 * 24 * 60)
                {
                    return Results.Problem(statusCode: 400, title: "validForMinutes must be from 1 to 10080 (7 days).");
                }

                var userId = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : (Guid?)null;
                var validFor = request.ValidForMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
                var (created, error) = await tokens.CreateAsync((ServerRole)(int)request.Role, validFor, userId, ct);
                return created is null
                    ? Results.Problem(statusCode: 400, title: error)
                    : Results.Json(
                        new CreatedEnrollmentToken { Id = created.Row.Id, Role = request.Role, Token = created.Token, ExpiresAt = created.Row.ExpiresAt },
                        AgentJson.Options,
                        statusCode: StatusCodes.Status201Created);
            })
            .Produces<CreatedEnrollmentToken>(StatusCodes.Status201Created)
            .WithName("CreateEnrollmentToken")
            .WithSummary("Mint a one-time token with which one RRAS or NPS server's agent enrolls (shown once).")
            .RequireAuthorization(Policies.ApiAdmin);
        return api;
    }
}
