using VpnPortal.Data;
using VpnPortal.Domain.Diagnostics;
using VpnPortal.Web.Features.Api;
using VpnPortal.Web.Features.Servers;
using VpnPortal.Web.Security;

namespace VpnPortal.Web.Features.Diagnostics;

public static class FindingsApi
{
    public static RouteGroupBuilder MapFindingsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/findings", ListAsync)
            .WithName("ListFindings")
            .WithSummary("Diagnostics findings, worst and newest first. server: id or name; rule: a rule id; severity: info, warning or critical " +
                "(that or worse); state: open (default, acknowledged ones included), acknowledged, resolved or all; skip, take (1 to 500).")
            .RequireAuthorization(Policies.ApiOperator);

        api.MapPost("/findings/{id:guid}/acknowledge", AcknowledgeAsync)
            .WithName("AcknowledgeFinding")
            .WithSummary("Acknowledge an open finding with a reason ({\"reason\": \"...\"}): it stays open, shown muted and counted apart.")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapPost("/findings/{id:guid}/unacknowledge", async (Guid id, AcknowledgeFinding acknowledge, CurrentActor actor, CancellationToken ct) =>
                (await acknowledge.UnacknowledgeAsync(id, actor.Current, ct)).Answer(finding => Results.Ok(finding)))
            .WithName("UnacknowledgeFinding")
            .WithSummary("Take back the acknowledgement of a finding: it counts again.")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapGet("/suppressions", async (ListSuppressions list, string? state, CancellationToken ct) =>
            {
                var value = string.IsNullOrWhiteSpace(state) ? "active" : state.Trim().ToLowerInvariant();
                return value is "active" or "all"
                    ? Results.Ok(await list.RunAsync(null, value == "active", ct))
                    : TypedResults.ValidationProblem(new Dictionary<string, string[]> { [nameof(state)] = ["state is active or all."] });
            })
            .WithName("ListSuppressions")
            .WithSummary("Rules suppressed on servers: those in force (state=active, default) or all, with the lifted and expired ones.")
            .RequireAuthorization(Policies.ApiOperator);

        api.MapPost("/suppressions", SuppressAsync)
            .WithName("SuppressRule")
            .WithSummary("Suppress a rule on a server until a time, with a reason: {\"server\": \"VPN01\", \"rule\": \"sstp.binding-mismatch\", \"reason\": \"...\", " +
                "\"expiresAt\": \"2026-12-31T00:00:00Z\"} (at most a year ahead). Its findings stop opening there; open ones are shown suppressed.")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapPost("/suppressions/{id:guid}/lift", async (Guid id, LiftSuppression lift, CurrentActor actor, CancellationToken ct) =>
                (await lift.RunAsync(id, actor.Current, ct)).Answer(suppression => Results.Ok(suppression)))
            .WithName("LiftSuppression")
            .WithSummary("End a suppression before its expiry: the rule's findings open again from the next evaluation.")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapGet("/diagnostics/settings", async (GetDiagnosticsSettings get, CancellationToken ct) => Results.Ok(await get.RunAsync(ct)))
            .WithName("GetDiagnosticsSettings")
            .WithSummary("The fleet settings the rules use (EAP server names, phone-call MFA, client certificate issuers, load balancer certificates per site); " +
                "version is null while they still come from configuration.")
            .RequireAuthorization(Policies.ApiAdmin);

        api.MapPost("/diagnostics/settings", SaveSettingsAsync)
            .WithName("SaveDiagnosticsSettings")
            .WithSummary("Replace the diagnostics settings; send the version you read (null the first time), a stale one is 409. The fleet is evaluated again.")
            .RequireAuthorization(Policies.ApiAdmin);
        return api;
    }

    /// <summary>The body of <c>POST /api/v1/diagnostics/settings</c>.</summary>
    public sealed record SettingsRequest(
        List<string>? EapServerNames, bool? PhoneCallMfa, List<string>? ClientCertificateIssuers,
        List<DiagnosticsSettingsStore.SiteCertificate>? LoadBalancerCertificates, Guid? Version);

    private static async Task<IResult> SaveSettingsAsync(HttpRequest http, SaveDiagnosticsSettings save, CurrentActor actor, CancellationToken ct)
    {
        var (body, problem) = await Api.JsonBody.ReadAsync<SettingsRequest>(
            http, null, "{\"eapServerNames\": [\"nps01.corp.example\"], \"phoneCallMfa\": true, \"clientCertificateIssuers\": [\"CN=Corp Issuing CA\"], " +
                "\"loadBalancerCertificates\": [{\"site\": \"London\", \"sha256\": \"...\"}], \"version\": null}", ct);
        if (body is null)
        {
            return problem!;
        }

        var result = await save.RunAsync(
            new SaveDiagnosticsSettings.Input(body.EapServerNames, body.PhoneCallMfa ?? false, body.ClientCertificateIssuers, body.LoadBalancerCertificates, body.Version),
            actor.Current,
            ct);
        return result.Answer(settings => Results.Ok(settings));
    }

    /// <summary>The body of <c>POST /api/v1/findings/{id}/acknowledge</c>.</summary>
    public sealed record AcknowledgeRequest(string? Reason);

    /// <summary>The body of <c>POST /api/v1/suppressions</c>.</summary>
    public sealed record SuppressRequest(string? Server, string? Rule, string? Reason, DateTimeOffset? ExpiresAt);

    private static async Task<IResult> AcknowledgeAsync(Guid id, HttpRequest http, AcknowledgeFinding acknowledge, CurrentActor actor, CancellationToken ct)
    {
        var (body, problem) = await Api.JsonBody.ReadAsync<AcknowledgeRequest>(http, null, "{\"reason\": \"known: the IIS site is removed in tonight's change\"}", ct);
        return body is null ? problem! : (await acknowledge.AcknowledgeAsync(id, body.Reason, actor.Current, ct)).Answer(finding => Results.Ok(finding));
    }

    private static async Task<IResult> SuppressAsync(HttpRequest http, SuppressRule suppress, CurrentActor actor, CancellationToken ct)
    {
        var (body, problem) = await Api.JsonBody.ReadAsync<SuppressRequest>(
            http, null, "{\"server\": \"VPN01\", \"rule\": \"sstp.binding-mismatch\", \"reason\": \"...\", \"expiresAt\": \"2026-12-31T00:00:00Z\"}", ct);
        if (body is null)
        {
            return problem!;
        }

        var result = await suppress.RunAsync(new SuppressRule.Request(body.Server, body.Rule, body.Reason, body.ExpiresAt), actor.Current, ct);
        return result.Answer(suppression => Results.Json(suppression, statusCode: StatusCodes.Status201Created));
    }

    private static async Task<IResult> ListAsync(
        PortalDbContext db, ListFindings list, string? server, string? rule, string? severity, string? state, string? skip, string? take, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        Guid? serverId = null;
        if (!string.IsNullOrWhiteSpace(server))
        {
            serverId = await db.Servers.IdOfAsync(server, ct);
            if (serverId is null)
            {
                errors[nameof(server)] = [$"There is no server '{ServerLookup.Quote(server)}'."];
            }
        }

        FindingSeverity? minimum = null;
        if (!string.IsNullOrWhiteSpace(severity))
        {
            if (Enum.TryParse<FindingSeverity>(severity.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(severity, out _))
            {
                minimum = parsed;
            }
            else
            {
                errors[nameof(severity)] = ["severity is info, warning or critical."];
            }
        }

        var stateValue = string.IsNullOrWhiteSpace(state) ? "open" : state.Trim().ToLowerInvariant();
        if (!ListFindings.States.Contains(stateValue))
        {
            errors[nameof(state)] = ["state is open, acknowledged, resolved or all."];
        }

        if (rule?.Length > 64)
        {
            errors[nameof(rule)] = ["rule is a rule id of at most 64 characters."];
        }

        var s = Api.QueryNumber.Read(skip, 0, 0, int.MaxValue, nameof(skip), errors);
        var t = Api.QueryNumber.Read(take, 100, 1, ListFindings.MaxTake, nameof(take), errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await list.RunAsync(new ListFindings.Query(serverId, rule, minimum, stateValue, s, t), ct));
    }
}
