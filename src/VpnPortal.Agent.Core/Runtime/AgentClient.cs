using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Runtime;

/// <summary>How hard the client retries transient failures (5xx, 408, 429, timeouts, connection failures).</summary>
public sealed record AgentRetryOptions
{
    /// <summary>First back-off; it doubles, with jitter, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries for a snapshot before giving it up: a newer snapshot is taken at the next interval anyway.</summary>
    public int SnapshotRetries { get; init; } = 4;

    /// <summary>Retries for enrollment, which a person (or the simulator) is waiting for.</summary>
    public int EnrollRetries { get; init; } = 4;

    /// <summary>Time allowed for one attempt of an ordinary call.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for one command poll: longer than the portal holds it (<see cref="AgentRoutes.LongPollSeconds"/>).</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromSeconds(AgentRoutes.LongPollSeconds + 15);
}

/// <summary>What became of a command result the agent posted.</summary>
public enum CommandResultDelivery
{
    Accepted = 1,

    /// <summary>404: the portal does not know the command (deleted, or it belongs to another agent).</summary>
    UnknownCommand = 2,

    /// <summary>409: the portal already holds a different result, or the command was cancelled.</summary>
    Conflict = 3,
}

/// <summary>
/// The agent's side of the agent API over one <see cref="HttpClient"/>, which may be shared by many agents (the
/// simulated fleet): the credential goes on each request, never on the client, and each attempt has its own
/// timeout, so give it a client whose <see cref="HttpClient.Timeout"/> is infinite or longer than the poll timeout.
/// Transient failures (Microsoft.Extensions.Http.Resilience's judgement: 5xx, 408, 429, failed connections, an attempt's
/// timeout) are retried with exponential back-off and jitter, or after the portal's Retry-After up to
/// <see cref="AgentRetryOptions.MaxDelay"/>; everything else becomes a typed result or exception.
/// </summary>
public sealed class AgentClient
{
    private readonly HttpClient _http;
    private readonly Uri _portal;
    private readonly string? _credential;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly AgentRetryOptions _options;
    private readonly ResiliencePipeline<HttpResponseMessage> _polls;
    private readonly ResiliencePipeline<HttpResponseMessage> _results;
    private readonly ResiliencePipeline<HttpResponseMessage> _snapshots;
    private readonly ResiliencePipeline<HttpResponseMessage> _enrollment;

    /// <summary>A client for one agent; <paramref name="credential"/> is null for a client that only enrolls.</summary>
    public AgentClient(HttpClient http, Uri portal, string? credential, ILogger logger, TimeProvider? time = null, AgentRetryOptions? options = null)
    {
        _http = http;
        _portal = portal.AbsoluteUri.EndsWith('/') ? portal : new Uri(portal.AbsoluteUri + "/");
        _credential = credential;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _options = options ?? new AgentRetryOptions();
        _polls = BuildPipeline(int.MaxValue, _options.PollTimeout);
        _results = BuildPipeline(int.MaxValue, _options.RequestTimeout);
        _snapshots = BuildPipeline(_options.SnapshotRetries, _options.RequestTimeout);
        _enrollment = BuildPipeline(_options.EnrollRetries, _options.RequestTimeout);
    }

    public Uri Portal => _portal;

    /// <summary>Presents an enrollment token. Throws <see cref="EnrollmentRejectedException"/> when the portal refuses it.</summary>
    public async Task<EnrollResponse> EnrollAsync(EnrollRequest request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(_enrollment, "enrollment", HttpMethod.Post, AgentRoutes.Enroll, Json(request), authenticate: false, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return await ReadAsync<EnrollResponse>(response, cancellationToken);
        }

        var problem = await ReadProblemAsync(response, cancellationToken);
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized)
        {
            throw new EnrollmentRejectedException((int)response.StatusCode, problem.Problem, $"The portal refused the enrollment token: {problem.Text}");
        }

        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            // The token is fine but not for this machine (another server's, or this server is already enrolled and
            // needs a replacement token): the message says which, and retrying cannot change it.
            throw new EnrollmentRejectedException((int)response.StatusCode, problem.Problem, $"The portal refused to enroll this machine: {problem.Text}");
        }

        throw Unexpected("enrollment", response, problem.Text);
    }

    public async Task<SnapshotReceipt> SendSnapshotAsync(AgentSnapshot snapshot, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(_snapshots, $"snapshot {snapshot.Sequence}", HttpMethod.Post, AgentRoutes.Snapshots, Json(snapshot), authenticate: true, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return await ReadAsync<SnapshotReceipt>(response, cancellationToken);
        }

        var problem = await ReadProblemAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw NotEnrolled(problem.Text);
        }

        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity)
        {
            throw new SnapshotRejectedException((int)response.StatusCode, problem.Text, problem.Problem?.Field);
        }

        throw Unexpected($"snapshot {snapshot.Sequence}", response, problem.Text);
    }

    /// <summary>Long-polls for commands; retries transient failures until cancelled.</summary>
    public async Task<CommandBatch> PollCommandsAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(_polls, "command poll", HttpMethod.Get, AgentRoutes.Commands, content: null, authenticate: true, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return await ReadAsync<CommandBatch>(response, cancellationToken);
        }

        var problem = await ReadProblemAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw NotEnrolled(problem.Text);
        }

        throw Unexpected("command poll", response, problem.Text);
    }

    /// <summary>Posts a command's result; retries transient failures until cancelled (the portal accepts the same result twice).</summary>
    public async Task<CommandResultDelivery> PostCommandResultAsync(Guid commandId, CommandResultRequest result, CancellationToken cancellationToken)
    {
        var operation = $"result of command {commandId}";
        using var response = await SendAsync(_results, operation, HttpMethod.Post, AgentRoutes.CommandResult(commandId), Json(result), authenticate: true, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return CommandResultDelivery.Accepted;
        }

        var problem = await ReadProblemAsync(response, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => throw NotEnrolled(problem.Text),
            HttpStatusCode.NotFound => CommandResultDelivery.UnknownCommand,
            HttpStatusCode.Conflict => CommandResultDelivery.Conflict,
            _ => throw Unexpected(operation, response, problem.Text),
        };
    }

    private static AgentNotEnrolledException NotEnrolled(string detail) =>
        new($"The portal does not know this agent's credential (revoked or unknown): {detail}");

    private static AgentProtocolException Unexpected(string operation, HttpResponseMessage response, string detail) =>
        new((int)response.StatusCode, $"The portal answered the {operation} with {(int)response.StatusCode} {response.ReasonPhrase}: {detail}");

    private static byte[] Json<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, AgentJson.Options);

    private async Task<HttpResponseMessage> SendAsync(
        ResiliencePipeline<HttpResponseMessage> pipeline,
        string operation,
        HttpMethod method,
        string route,
        byte[]? content,
        bool authenticate,
        CancellationToken cancellationToken)
    {
        var uri = new Uri(_portal, route.TrimStart('/'));
        var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        try
        {
            // The attempt's timeout strategy, innermost, turns what an attempt throws into an outcome for the retries.
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) => Outcome.FromResult(await state.Client.AttemptAsync(state.Method, state.Uri, state.Content, state.Authenticate, ctx.CancellationToken)),
                context,
                (Client: this, Method: method, Uri: uri, Content: content, Authenticate: authenticate));

            if (outcome.Exception is { } exception)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (exception is not (HttpRequestException or TimeoutRejectedException))
                {
                    ExceptionDispatchInfo.Throw(exception);
                }

                throw new AgentPortalUnreachableException($"The portal could not be reached for the {operation}: {Describe(exception)}", exception);
            }

            var response = outcome.Result!;
#pragma warning disable CA2016 // The overload that takes the token is experimental (EXTEXP0001); the status alone decides here.
            if (HttpClientResiliencePredicates.IsTransient(Outcome.FromResult(response)))
#pragma warning restore CA2016
            {
                var status = (int)response.StatusCode;
                response.Dispose();
                throw new AgentPortalUnreachableException($"The portal kept answering the {operation} with {status}.");
            }

            return response;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async Task<HttpResponseMessage> AttemptAsync(HttpMethod method, Uri uri, byte[]? content, bool authenticate, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (content is not null)
        {
            request.Content = new ByteArrayContent(content);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        if (authenticate)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(AgentRoutes.AuthenticationScheme, _credential
                ?? throw new InvalidOperationException("This client has no credential; enroll first."));
        }

        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("VpnPortal.Agent", AgentVersion.Current));

        // ResponseContentRead: the body is read inside this attempt's timeout, so a stalled body is retried too.
        return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>
    /// Retries (none when <paramref name="retries"/> is 0) around one attempt of at most <paramref name="attemptTimeout"/>,
    /// with Microsoft.Extensions.Http.Resilience's options for HTTP: what counts as transient, and Retry-After read from
    /// the answer (a delta or a date), here capped at <see cref="AgentRetryOptions.MaxDelay"/>.
    /// </summary>
    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(int retries, TimeSpan attemptTimeout)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        if (retries > 0)
        {
            var retry = new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.BaseDelay,
                MaxDelay = _options.MaxDelay,
                ShouldRetryAfterHeader = true,
                OnRetry = args =>
                {
                    var reason = args.Outcome.Exception is { } e ? Describe(e) : $"{(int)args.Outcome.Result!.StatusCode} {args.Outcome.Result.ReasonPhrase}";
                    _logger.LogWarning("The {Operation} failed ({Reason}); attempt {Attempt}, retrying in {Delay:0.0} s", args.Context.OperationKey, reason, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds);

                    // The retried response is never returned to a caller: free its connection now.
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            };

            // A portal shedding load (429/503 with Retry-After) says when to come back: honoured, but never longer than
            // the back-off's own cap, which Retry-After would otherwise bypass.
            var retryAfter = retry.DelayGenerator!;
            retry.DelayGenerator = async args => await retryAfter(args) is { } wait ? (wait > _options.MaxDelay ? _options.MaxDelay : wait) : null;
            builder.AddRetry(retry);
        }

        return builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = attemptTimeout }).Build();
    }

    /// <summary>An attempt's failure in words: "no answer within 30 s" for a timeout, the network error otherwise.</summary>
    private static string Describe(Exception e) =>
        e is TimeoutRejectedException timeout ? $"no answer within {timeout.Timeout.TotalSeconds:0.#} s" : e.Message;

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(AgentJson.Options, cancellationToken)
                ?? throw new AgentProtocolException((int)response.StatusCode, $"The portal answered {(int)response.StatusCode} with an empty body where a {typeof(T).Name} was expected.");
        }
        catch (JsonException e)
        {
            throw new AgentProtocolException((int)response.StatusCode, $"The portal's answer is not a valid {typeof(T).Name}: {e.Message}");
        }
    }

    private static async Task<(AgentProblem? Problem, string Text)> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (body.Length == 0)
        {
            return (null, response.ReasonPhrase ?? $"HTTP {(int)response.StatusCode}");
        }

        try
        {
            var problem = JsonSerializer.Deserialize<AgentProblem>(body, AgentJson.Options);
            if (problem is not null)
            {
                return (problem, problem.Field is null ? $"{problem.Message} ({problem.Error})" : $"{problem.Message} ({problem.Error}, at {problem.Field})");
            }
        }
        catch (JsonException)
        {
            // Not an AgentProblem (a proxy's error page, say): the start of the body is the best description there is.
        }

        return (null, body.Length > 300 ? body[..300] + "..." : body);
    }
}
