using VpnPortal.Web.Features.Api;
using VpnPortal.Web.Features.Operations;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Disconnects;

public static class DisconnectsApi
{
    /// <summary>
    /// The body of <c>POST /api/v1/disconnects</c>: a UPN, DOMAIN\user, or a device FQDN, and optionally how long to keep
    /// it off (<c>enforceFor</c>: 30m, 4h, 2d; at most 7 days).
    /// </summary>
    public sealed record DisconnectRequest(string? Identity, string? EnforceFor = null);

    public static RouteGroupBuilder MapDisconnectsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/disconnects", async (HttpRequest http, StartDisconnect start, CurrentActor actor, CancellationToken ct) =>
            {
                var (request, problem) = await Api.JsonBody.ReadAsync<DisconnectRequest>(http, null, "{\"identity\": \"ana@corp.example\", \"enforceFor\": \"4h\"}", ct);
                if (request is null)
                {
                    return problem!;
                }

                TimeSpan? enforceFor = null;
                if (!string.IsNullOrWhiteSpace(request.EnforceFor))
                {
                    enforceFor = Cli.Durations.Parse(request.EnforceFor);
                    if (enforceFor is null)
                    {
                        return Results.Problem(statusCode: 400, title: "enforceFor is a duration such as 30m, 4h or 2d.");
                    }
                }

                var result = await start.RunAsync(request.Identity, actor.Current, enforceFor, ct);
                return result.Answer(started => started.OperationId is not null
                    ? Results.Json(started, statusCode: StatusCodes.Status202Accepted)
                    : Results.Ok(started));
            })
            .WithName("StartDisconnect")
            .WithSummary("Disconnect a user (UPN or DOMAIN\\user) or a device (FQDN) on every RRAS server where it is connected.")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapPost("/disconnects/{id:guid}/end-enforcement", async (Guid id, EndEnforcement end, CurrentActor actor, CancellationToken ct) =>
                (await end.RunAsync(id, actor.Current, ct)).Answer(() => Results.NoContent()))
            .WithName("EndDisconnectEnforcement")
            .WithSummary("End a disconnect's enforcement window early: the user or device may connect again.")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapGet("/operations/{id:guid}", async (Guid id, GetOperation get, CancellationToken ct) =>
                await get.RunAsync(id, ct) is { } detail ? Results.Ok(detail) : Results.NotFound())
            .WithName("GetOperation")
            .WithSummary("A fleet operation's per-server progress and outcome.")
            .RequireAuthorization(Policies.ApiOperator);
        return api;
    }
}
