using Microsoft.AspNetCore.Http.HttpResults;
using VpnPortal.Data;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Users;

public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/users", ListAsync)
            .WithName("ListUsers")
            .WithSummary("Portal accounts with their roles and state, filtered and paged (take at most 500). No secrets or phone numbers.")
            .RequireAuthorization(Policies.ApiAdmin);
        return api;
    }

    private static async Task<Results<Ok<ListUsers.UserPage>, ValidationProblem>> ListAsync(
        ListUsers list,
        string? search,
        string? role,
        ListUsers.UserStatus? status,
        int? skip,
        int? take,
        CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(role) && !Roles.All.Contains(role.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["role"] = [$"'{role}' is not a role. The roles are {string.Join(", ", Roles.All)}."],
            });
        }

        var page = await list.RunAsync(new(search, role, status ?? ListUsers.UserStatus.Any, skip ?? 0, take ?? 100), ct);
        return TypedResults.Ok(page);
    }
}
