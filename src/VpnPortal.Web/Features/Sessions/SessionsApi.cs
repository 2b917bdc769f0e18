using Microsoft.AspNetCore.Http.HttpResults;
using VpnPortal.Data;
using VpnPortal.Web.Features.Api;
using VpnPortal.Web.Features.Servers;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Sessions;

public static class SessionsApi
{
    private const int MaxFilterLength = 256;

    public static RouteGroupBuilder MapSessionsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/sessions", ListAsync)
            .WithName("ListLiveSessions")
            .WithSummary("Live VPN sessions across the fleet, newest first. user: part of any of the session's user names (any case); " +
                "search: part of a user name, the host name, the external or the tunnel address (any case); server: a server's id or name; " +
                "protocol: sstp, ikev2, l2tp or pptp; sort: columns, comma-separated, '-' before one for descending (" +
                string.Join(", ", ListLiveSessions.Sorts.Columns) + $"); skip, take (1 to {ListLiveSessions.MaxTake}).")
            .RequireAuthorization(Policies.ApiOperator);

        api.MapGet("/sessions/stale", StaleAsync)
            .WithName("ListStaleSessions")
            .WithSummary("Live sessions RRAS keeps after the user left: no traffic for idleFor (default 2h; e.g. 30m, 6h, 1d), " +
                "or a user's older connection to a server where it has a newer one. server: a server's id or name; none for the whole fleet.")
            .RequireAuthorization(Policies.ApiOperator);

        api.MapPost("/sessions/cleanup", CleanupAsync)
            .WithName("EndStaleSessions")
            .WithSummary("End the given live sessions alone (Disconnect-VpnUser -HostIPAddress): body {\"sessionIds\": [...]}, answered with an operation.")
            .RequireAuthorization(Policies.ApiAdmin);
        return api;
    }

    public sealed record CleanupRequest(IReadOnlyList<Guid>? SessionIds);

    private static async Task<IResult> StaleAsync(PortalDbContext db, StaleSessions stale, string? server, string? idleFor, CancellationToken ct)
    {
        var idle = StaleSessions.DefaultIdle;
        if (!string.IsNullOrWhiteSpace(idleFor))
        {
            if (Cli.Durations.Parse(idleFor) is not { } parsed || parsed < TimeSpan.FromMinutes(5))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [nameof(idleFor)] = ["idleFor is a duration of at least 5 minutes, such as 30m, 6h or 1d."] });
            }

            idle = parsed;
        }

        Guid? serverId = null;
        if (!string.IsNullOrWhiteSpace(server))
        {
            serverId = await db.RrasServers.IdOfAsync(server, ct);
            if (serverId is null)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [nameof(server)] = [$"There is no RRAS server '{server.Trim()}'."] });
            }
        }

        return TypedResults.Ok(await stale.FindAsync(serverId, idle, ct));
    }

    private static async Task<IResult> CleanupAsync(HttpRequest http, StaleSessions stale, CurrentActor actor, CancellationToken ct)
    {
        var (request, problem) = await Api.JsonBody.ReadAsync<CleanupRequest>(http, null, "{\"sessionIds\": [\"...\"]}", ct);
        if (request is null)
        {
            return problem!;
        }

        var result = await stale.EndAsync(request.SessionIds ?? [], actor.Current, ct);
        return result.Answer(ended => Results.Json(ended, statusCode: StatusCodes.Status202Accepted));
    }

    private static async Task<Results<Ok<ListLiveSessions.Page>, ValidationProblem>> ListAsync(
        ListLiveSessions list, string? user, string? server, string? search, string? protocol, string? sort, string? skip, string? take, CancellationToken ct)
    {
        // Numbers parsed here, not bound as int: a bound "take=abc" is a bare 400 that names nothing.
        var errors = new Dictionary<string, string[]>();
        var s = Api.QueryNumber.Read(skip, 0, 0, int.MaxValue, nameof(skip), errors, "skip must be a whole number, 0 or more.");
        var t = Api.QueryNumber.Read(take, 100, 1, ListLiveSessions.MaxTake, nameof(take), errors, $"take must be a whole number from 1 to {ListLiveSessions.MaxTake}.");
        if (user?.Length > MaxFilterLength)
        {
            errors[nameof(user)] = [$"user must be at most {MaxFilterLength} characters."];
        }

        if (server?.Length > MaxFilterLength)
        {
            errors[nameof(server)] = [$"server must be at most {MaxFilterLength} characters."];
        }

        if (search?.Length > MaxFilterLength)
        {
            errors[nameof(search)] = [$"search must be at most {MaxFilterLength} characters."];
        }

        var tunnel = ListLiveSessions.ParseTunnel(protocol);
        if (!string.IsNullOrWhiteSpace(protocol) && tunnel is null)
        {
            errors[nameof(protocol)] = ["protocol must be sstp, ikev2, l2tp or pptp."];
        }

        var sorts = Components.Grids.TableRequest.ParseSort(sort);
        if (sorts.FirstOrDefault(x => !ListLiveSessions.Sorts.Knows(x.Column)) is { } unknown)
        {
            errors[nameof(sort)] = [$"sort cannot order by '{unknown.Column}'; it takes {string.Join(", ", ListLiveSessions.Sorts.Columns)}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await list.RunAsync(new(user, server, s, t, search, tunnel, sorts), ct));
    }
}
