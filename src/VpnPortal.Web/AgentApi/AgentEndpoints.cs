using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VpnPortal.Contracts.Agents;
using VpnPortal.Data.Entities;
using VpnPortal.Web.Features.Agents;
using VpnPortal.Web.Features.Metrics;
using VpnPortal.Web.Hosting;

namespace VpnPortal.Web.AgentApi;

/// <summary>
/// The agent protocol under <see cref="AgentRoutes.Base"/>: enrollment (the only anonymous call), snapshots, the
/// command long-poll and command results. Speaks only VpnPortal.Contracts types; every error is an
/// <see cref="AgentProblem"/>.
/// </summary>
public static class AgentEndpoints
{
    public static IEndpointRouteBuilder MapAgentApi(this IEndpointRouteBuilder app)
    {
        // Bearer- or token-authenticated, never cookie-authenticated: there is no ambient credential to forge.
        var api = app.MapGroup(AgentRoutes.Base).DisableAntiforgery().ExcludeFromDescription();
        api.AddEndpointFilter(AnswerFailuresAsProblems);

        api.MapPost("/enroll", EnrollAsync).AllowAnonymous().RequireRateLimiting(Security.AttemptLimits.EnrollmentPolicy);
        // A snapshot may be larger than the portal's general body limit; its own limit still holds on the streamed bytes.
        var snapshotLimit = app.ServiceProvider.GetRequiredService<IOptions<AgentOptions>>().Value.MaxSnapshotBytes;
        api.MapPost("/snapshots", ReceiveSnapshotAsync).RequireAuthorization(AgentAuthenticationHandler.PolicyName)
            .WithMetadata(new BodySizeLimit(snapshotLimit + ReadChunkBytes));
        api.MapGet("/commands", PollCommandsAsync).RequireAuthorization(AgentAuthenticationHandler.PolicyName);
        api.MapPost("/commands/{id:guid}/result", RecordResultAsync).RequireAuthorization(AgentAuthenticationHandler.PolicyName);
        return app;
    }

    private static async Task<IResult> EnrollAsync(HttpContext context, EnrollAgent enroll, IOptions<AgentOptions> options, CancellationToken ct)
    {
        var (request, problem) = await ReadAsync<EnrollRequest>(context, 64 * 1024, ct);
        if (request is null)
        {
            return problem!;
        }

        var result = await enroll.RunAsync(request, options.Value.ReportIntervalSeconds, ct);
        return result.Response is not null
            ? Results.Json(result.Response, AgentJson.Options)
            : Results.Json(result.Problem, AgentJson.Options, statusCode: result.Status);
    }

    private static async Task<IResult> ReceiveSnapshotAsync(
        HttpContext context, ApplySnapshot apply, IOptions<AgentOptions> options, TimeProvider time, PortalMetrics metrics, ILoggerFactory loggers, CancellationToken ct)
    {
        var agent = AgentIdentity.Of(context.User);
        var (snapshot, problem) = await ReadAsync<AgentSnapshot>(context, options.Value.MaxSnapshotBytes, ct);
        if (snapshot is null)
        {
            loggers.CreateLogger(typeof(AgentEndpoints)).LogWarning("Refused a snapshot from the agent on {Machine}: malformed", agent.MachineName);
            metrics.SnapshotReceived(agent.Role, SnapshotOutcome.Refused);
            return problem!;
        }

        if (SnapshotValidation.Validate(snapshot, agent.Role, agent.MachineName, time.GetUtcNow()) is { } error)
        {
            loggers.CreateLogger(typeof(AgentEndpoints)).LogWarning(
                "Refused a snapshot from the agent on {Machine}: {Field} {Message}", agent.MachineName, error.Field, error.Message);
            metrics.SnapshotReceived(agent.Role, SnapshotOutcome.Refused);
            return Invalid(error.Field, $"{error.Field} {error.Message}.");
        }

        var started = time.GetTimestamp();
        ApplySnapshot.Outcome outcome;
        try
        {
            outcome = await apply.RunAsync(agent.AgentId, agent.ServerId, agent.Role, snapshot, ct);
        }
        catch (DbUpdateException)
        {
            // Two servers reporting a certificate new to the portal at the same moment: one insert loses the race.
            // The transaction rolled back (the sequence too), so applying again sees the other's certificate.
            outcome = await apply.RunAsync(agent.AgentId, agent.ServerId, agent.Role, snapshot, ct);
        }

        metrics.SnapshotReceived(agent.Role, outcome.Applied ? SnapshotOutcome.Applied : SnapshotOutcome.Ignored, outcome.Applied ? time.GetElapsedTime(started) : null);
        return Results.Json(new SnapshotReceipt { Applied = outcome.Applied, Reason = outcome.Reason, LastAppliedSequence = outcome.LastAppliedSequence }, AgentJson.Options);
    }

    private static async Task<IResult> PollCommandsAsync(
        HttpContext context, IServiceScopeFactory scopes, CommandSignals signals, TimeProvider time, int? waitSeconds, CancellationToken ct)
    {
        var agent = AgentIdentity.Of(context.User);
        var wait = TimeSpan.FromSeconds(Math.Clamp(waitSeconds ?? AgentRoutes.LongPollSeconds, 0, AgentRoutes.LongPollSeconds));
        var until = DateTime.UtcNow + wait;
        var first = true;
        while (true)
        {
            // Take the wake-up signal before reading, so a command queued between the read and the wait is not missed.
            var signal = signals.WaitAsync(agent.ServerId);
            IReadOnlyList<AgentCommandMessage>? commands;

            // A fresh scope per read: the held request must not keep one DbContext (and its tracked rows) for 25 s.
            await using (var scope = scopes.CreateAsyncScope())
            {
                commands = await scope.ServiceProvider.GetRequiredService<CommandDelivery>().TakeAsync(agent.AgentId, agent.ServerId, first, ct);
            }

            if (commands is null)
            {
                // Revoked or replaced while the poll was held: the same answer its next request would get.
                return Results.Json(
                    new AgentProblem { Error = AgentErrorCodes.NotEnrolled, Message = AgentAuthenticationHandler.NotEnrolledMessage },
                    AgentJson.Options,
                    statusCode: StatusCodes.Status401Unauthorized);
            }

            first = false;

            var remaining = until - DateTime.UtcNow;
            if (commands.Count > 0 || remaining <= TimeSpan.Zero)
            {
                // Stamped as the answer leaves: the agent judges the deadlines by this clock, not its own.
                return Results.Json(new CommandBatch { Commands = commands, PortalTime = time.GetUtcNow() }, AgentJson.Options);
            }

            // Re-read every few seconds even without a signal: a command queued on another portal node has none here.
            var recheck = remaining < TimeSpan.FromSeconds(5) ? remaining : TimeSpan.FromSeconds(5);
            try
            {
                await signal.WaitAsync(recheck, ct);
            }
            catch (TimeoutException)
            {
                // Nothing signalled: read again.
            }
        }
    }

    private static async Task<IResult> RecordResultAsync(HttpContext context, Guid id, CommandDelivery delivery, CancellationToken ct)
    {
        var agent = AgentIdentity.Of(context.User);
        var (result, problem) = await ReadAsync<CommandResultRequest>(context, 64 * 1024, ct);
        if (result is null)
        {
            return problem!;
        }

        if (!Enum.IsDefined(result.Outcome))
        {
            return Invalid("$.outcome", "$.outcome must be Succeeded or Failed.");
        }

        var (status, message) = await delivery.RecordResultAsync(agent.ServerId, id, result, ct);
        return status switch
        {
            CommandDelivery.ResultStatus.Recorded or CommandDelivery.ResultStatus.AlreadyRecorded => Results.Ok(),
            CommandDelivery.ResultStatus.NotFound => Results.Json(new AgentProblem { Error = "command-not-found", Message = message! }, AgentJson.Options, statusCode: 404),
            _ => Results.Json(new AgentProblem { Error = "command-conflict", Message = message! }, AgentJson.Options, statusCode: 409),
        };
    }

    /// <summary>
    /// An agent gets a 500 it can parse (and retries later), not the people's error page; the exception is logged
    /// with the machine it came from.
    /// </summary>
    private static async ValueTask<object?> AnswerFailuresAsProblems(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (context.HttpContext.RequestAborted.IsCancellationRequested && e is not OperationCanceledException)
        {
            // The agent hung up mid-request (it stopped, or its timeout passed): the body read or the write failed
            // because of that, nothing was committed, and there is nobody to answer.
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AgentEndpoints)).LogInformation(
                "Agent {Agent} went away during {Method} {Path}: {Reason}", context.HttpContext.User.Identity?.Name, context.HttpContext.Request.Method,
                context.HttpContext.Request.Path, e.Message);
            return Results.Empty;
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AgentEndpoints)).LogError(
                e, "Agent request {Method} {Path} from {Agent} failed", context.HttpContext.Request.Method, context.HttpContext.Request.Path,
                context.HttpContext.User.Identity?.Name ?? "an agent not yet enrolled");
            return Results.Json(
                new AgentProblem { Error = "server-error", Message = "The portal failed to handle this request; nothing of it was kept. Retry later." },
                AgentJson.Options,
                statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    private const int ReadChunkBytes = 16 * 1024;

    /// <summary>Reads a JSON body of at most <paramref name="maxBytes"/>; anything else is a 400 naming what is wrong.</summary>
    private static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context, int maxBytes, CancellationToken ct)
        where T : class
    {
        if (context.Request.ContentLength > maxBytes)
        {
            return (null, TooLarge(context.Request.ContentLength.Value, maxBytes));
        }

        if (!context.Request.HasJsonContentType())
        {
            return (null, Invalid(null, "The body must be JSON (Content-Type: application/json)."));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[ReadChunkBytes];
        int read;
        try
        {
            while ((read = await context.Request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return (null, TooLarge(null, maxBytes));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own limit on the streamed body (Security:MaxRequestBodyBytes) cut it off first.
            return (null, TooLarge(null, maxBytes));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), AgentJson.Options);
            return value is null ? (null, Invalid("$", "The body is JSON null.")) : (value, null);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
            return (null, Invalid(field, $"{field}: {Describe(e)}"));
        }
    }

    /// <summary>The serializer's message without its internal type names, which mean nothing to whoever reads the agent's log.</summary>
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        message = cut > 0 ? message[..cut] : message;
        return message.Replace("VpnPortal.Contracts.Agents.", "", StringComparison.Ordinal);
    }

    private static IResult TooLarge(long? length, int maxBytes) => Invalid(
        "$",
        length is null
            ? $"The body is larger than the {maxBytes / 1024} KB this portal accepts (Agents:MaxSnapshotBytes)."
            : $"The body is {length / 1024} KB; this portal accepts at most {maxBytes / 1024} KB (Agents:MaxSnapshotBytes).");

    private static IResult Invalid(string? field, string message) => Results.Json(
        new AgentProblem { Error = AgentErrorCodes.InvalidSnapshot, Message = message, Field = field },
        AgentJson.Options,
        statusCode: StatusCodes.Status400BadRequest);
}

/// <summary>The authenticated agent of a request, from its claims.</summary>
internal sealed record AgentIdentity(Guid AgentId, Guid ServerId, ServerRole Role, string MachineName)
{
    public static AgentIdentity Of(ClaimsPrincipal user) => new(
        Guid.Parse(user.FindFirstValue(AgentClaims.AgentId)!),
        Guid.Parse(user.FindFirstValue(AgentClaims.ServerId)!),
        Enum.Parse<ServerRole>(user.FindFirstValue(AgentClaims.Role)!),
        user.FindFirstValue(ClaimTypes.Name)!);
}
