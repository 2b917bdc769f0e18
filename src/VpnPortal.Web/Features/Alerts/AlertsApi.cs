using VpnPortal.Domain.Alerts;
using VpnPortal.Web.Features.Api;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Alerts;

public static class AlertsApi
{
    /// <summary>The body of <c>POST /api/v1/alerts/{id}/acknowledge</c>.</summary>
    public sealed record AcknowledgeRequest(string? Note);

    public static RouteGroupBuilder MapAlertsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/alerts", ListAsync)
            .WithName("ListAlerts")
            .WithSummary("Certificate-expiry alerts, open first, then worst and soonest. state: open (default: firing or acknowledged), firing, " +
                "acknowledged, resolved or all; severity: notice, warning, critical or expired (that or worse); kind: certificate-expiry or finding; skip, take (1 to 500).")
            .RequireAuthorization(Policies.ApiOperator);

        api.MapGet("/alerts/{id:guid}", async (Guid id, GetAlert get, CancellationToken ct) =>
                await get.RunAsync(id, ct) is { } detail ? Results.Ok(detail) : Results.Problem(statusCode: 404, title: "There is no such alert."))
            .WithName("GetAlert")
            .WithSummary("One alert: where the certificate is installed (or, for a finding's alert, the finding), its timeline and its notifications' delivery history.")
            .RequireAuthorization(Policies.ApiOperator);

        api.MapPost("/alerts/{id:guid}/acknowledge", async (Guid id, HttpRequest http, AcknowledgeAlert acknowledge, CurrentActor actor, CancellationToken ct) =>
            {
                var (body, problem) = await Api.JsonBody.ReadAsync<AcknowledgeRequest>(http, null, "{\"note\": \"renewing it today\"}", ct);
                if (body is null)
                {
                    return problem!;
                }

                var result = await acknowledge.RunAsync(id, body.Note, actor.Current, ct);
                return result.Answer(() => Results.Ok(new { id, state = "acknowledged" }));
            })
            .WithName("AcknowledgeAlert")
            .WithSummary("Acknowledge an alert with an optional note: repeats and escalations stop until a later threshold passes.")
            .RequireAuthorization(Policies.ApiOperator);
        return api;
    }

    private static async Task<IResult> ListAsync(ListAlerts list, string? state, string? severity, string? kind, string? skip, string? take, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var stateValue = string.IsNullOrWhiteSpace(state) ? "open" : state.Trim().ToLowerInvariant();
        if (!ListAlerts.States.Contains(stateValue))
        {
            errors[nameof(state)] = ["state is open, firing, acknowledged, resolved or all."];
        }

        AlertSeverity? minimum = null;
        if (!string.IsNullOrWhiteSpace(severity))
        {
            if (Enum.TryParse<AlertSeverity>(severity.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(severity, out _))
            {
                minimum = parsed;
            }
            else
            {
                errors[nameof(severity)] = ["severity is notice, warning, critical or expired."];
            }
        }

        var kindValue = string.IsNullOrWhiteSpace(kind) ? null : kind.Trim().ToLowerInvariant();
        if (kindValue is not null && !ListAlerts.Kinds.Contains(kindValue))
        {
            errors[nameof(kind)] = ["kind is certificate-expiry or finding."];
        }

        var s = Api.QueryNumber.Read(skip, 0, 0, int.MaxValue, nameof(skip), errors);
        var t = Api.QueryNumber.Read(take, 100, 1, ListAlerts.MaxTake, nameof(take), errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await list.RunAsync(new ListAlerts.Query(stateValue, minimum, null, s, t, kindValue), ct));
    }
}
