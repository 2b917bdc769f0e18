using System.Security.Claims;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Agents;

public static class EnrollmentTokensApi
{
    public static RouteGroupBuilder MapEnrollmentTokensApi(this RouteGroupBuilder api)
    {
        // The body is read here rather than bound, so a wrong content type is this endpoint's 400 with a message,
        // not a routing miss that falls through to the pages.
        api.MapPost("/enrollment-tokens", async (HttpRequest http, EnrollmentTokens tokens, ClaimsPrincipal user, CancellationToken ct) =>
            {
                CreateEnrollmentTokenRequest? request;
                try
                {
                    request = http.HasJsonContentType() ? await http.ReadFromJsonAsync<CreateEnrollmentTokenRequest>(AgentJson.Options, ct) : null;
                }
                catch (System.Text.Json.JsonException e)
                {
                    return Results.Problem(statusCode: 400, title: $"The body is not a valid request: {e.Message}");
                }

                if (request is null)
                {
                    return Results.Problem(statusCode: 400, title: "Send JSON such as {\"role\": \"Rras\", \"validForMinutes\": 60}.");
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
