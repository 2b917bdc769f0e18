using Microsoft.AspNetCore.Http.HttpResults;
using VpnPortal.Data;
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
                $"server: a server's id or name; skip, take (1 to {ListLiveSessions.MaxTake}).")
            .RequireAuthorization(Policies.ApiOperator);
        return api;
    }

    private static async Task<Results<Ok<ListLiveSessions.Page>, ValidationProblem>> ListAsync(
        PortalDbContext db, string? user, string? server, string? skip, string? take, CancellationToken ct)
    {
        // Numbers parsed here, not bound as int: a bound "take=abc" is a bare 400 that names nothing.
        var errors = new Dictionary<string, string[]>();
        var s = Number(skip, 0, 0, int.MaxValue, nameof(skip), "skip must be a whole number, 0 or more.", errors);
        var t = Number(take, 100, 1, ListLiveSessions.MaxTake, nameof(take), $"take must be a whole number from 1 to {ListLiveSessions.MaxTake}.", errors);
        if (user?.Length > MaxFilterLength)
        {
            errors[nameof(user)] = [$"user must be at most {MaxFilterLength} characters."];
        }

        if (server?.Length > MaxFilterLength)
        {
            errors[nameof(server)] = [$"server must be at most {MaxFilterLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await new ListLiveSessions(db).RunAsync(new(user, server, s, t), ct));
    }

    private static int Number(string? value, int fallback, int min, int max, string name, string message, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (int.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        errors[name] = [message];
        return fallback;
    }
}
