using System.Security.Claims;
using VpnPortal.Data;
using VpnPortal.Web.Features.Api;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.OnCall;

public static class OnCallApi
{
    /// <summary>The body of <c>POST /api/v1/on-call/overrides</c>: who covers (OnCall users: only themselves), from and to (ISO 8601 with offset), why.</summary>
    public sealed record CoverRequest(Guid? UserId, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Reason);

    private const string Example = "{\"startsAt\": \"2026-12-08T08:00:00Z\", \"endsAt\": \"2026-12-09T08:00:00Z\", \"reason\": \"covering Tuesday\"}";

    public static RouteGroupBuilder MapOnCallApi(this RouteGroupBuilder api)
    {
        api.MapGet("/on-call", async (OnCallRota rota, CancellationToken ct) =>
            {
                var view = await rota.GetAsync(ct);
                return Results.Ok(new
                {
                    now = view.Now,
                    covering = view.Now is not null && view.Scheduled?.Id != view.Now.Id ? view.Scheduled : null,
                    until = view.Until,
                    next = view.Next,
                    nextFrom = view.NextFrom,
                    nextHandOver = view.NextHandOver,
                    rotation = view.Members,
                    handOverDay = view.HandOverDay.ToString(),
                    handOverTime = view.HandOverTime.ToString("HH:mm"),
                    timeZone = view.TimeZoneId,
                    overrides = view.Overrides.Select(o => new { o.Id, o.UserId, o.UserName, o.StartsAt, o.EndsAt, o.Reason, o.Active }),
                });
            })
            .WithName("GetOnCall")
            .WithSummary("Who is on call now, until when, who is next and from when; the rotation and the cover arranged.")
            .RequireAuthorization(Policies.ApiOperator);

        api.MapPost("/on-call/overrides", async (HttpRequest http, OnCallRota rota, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var (body, problem) = await JsonBody.ReadAsync<CoverRequest>(http, null, Example, ct);
                if (body is null)
                {
                    return problem!;
                }

                var caller = new RotaCaller(Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!), user.IsInRole(Roles.Admin));
                var result = await rota.AddOverrideAsync(new OnCallRota.OverrideInput(body.UserId ?? caller.UserId, body.StartsAt, body.EndsAt, body.Reason), caller, ct);
                return result.Answer(() => Results.Json(new { id = result.Id }, statusCode: StatusCodes.Status201Created));
            })
            .WithName("AddOnCallCover")
            .WithSummary("Arrange cover: a user is on call from startsAt to endsAt instead of the rota. OnCall users add cover for themselves; admins for anyone.")
            .RequireAuthorization(Policies.ApiOperator);

        api.MapDelete("/on-call/overrides/{id:guid}", async (Guid id, OnCallRota rota, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var caller = new RotaCaller(Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!), user.IsInRole(Roles.Admin));
                var result = await rota.RemoveOverrideAsync(id, null, caller, ct);
                return result.Answer(Results.NoContent);
            })
            .WithName("RemoveOnCallCover")
            .WithSummary("Remove cover: OnCall users their own, admins anyone's.")
            .RequireAuthorization(Policies.ApiOperator);
        return api;
    }
}
