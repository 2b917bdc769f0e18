using VpnPortal.Web.Features.Operations;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Disconnects;

public static class DisconnectsApi
{
    /// <summary>The body of <c>POST /api/v1/disconnects</c>: a UPN, DOMAIN\user, or a device FQDN.</summary>
    public sealed record DisconnectRequest(string? Identity);

    public static RouteGroupBuilder MapDisconnectsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/disconnects", async (HttpRequest http, StartDisconnect start, CurrentActor actor, CancellationToken ct) =>
            {
                var (request, problem) = await Api.JsonBody.ReadAsync<DisconnectRequest>(http, null, "{\"identity\": \"ana@corp.example\"}", ct);
                if (request is null)
                {
                    return problem!;
                }

                var (started, error) = await start.RunAsync(request.Identity, actor.Current, ct);
                if (started is null)
                {
                    return Results.Problem(statusCode: 400, title: error);
                }

                return started.OperationId is not null
                    ? Results.Json(started, statusCode: StatusCodes.Status202Accepted)
                    : Results.Ok(started);
            })
            .WithName("StartDisconnect")
            .WithSummary("Disconnect a user (UPN or DOMAIN\\user) or a device (FQDN) on every RRAS server where it is connected.")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapGet("/operations/{id:guid}", async (Guid id, GetOperation get, CancellationToken ct) =>
                await get.RunAsync(id, ct) is { } detail ? Results.Ok(detail) : Results.NotFound())
            .WithName("GetOperation")
            .WithSummary("A fleet operation's per-server progress and outcome.")
            .RequireAuthorization(Policies.ApiOperator);
        return api;
    }
}
