using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VpnPortal.Contracts.Agents;
using Xunit;
using HttpResults = Microsoft.AspNetCore.Http.Results;

namespace VpnPortal.Agent.Tests.Runtime;

/// <summary>
/// Just enough of the portal's agent API, on loopback Kestrel, to watch an agent: enrollment, snapshots, a command
/// queue with long-poll, results, revocation and injected 503s. Not the portal: its own tests come with it.
/// </summary>
internal sealed class TestPortal : IAsyncDisposable
{
    public const string AdminApiKey = "test-admin-api-key";

    private readonly Lock _lock = new();
    private readonly WebApplication _app;
    private readonly Queue<AgentCommandMessage> _commands = new();
    private readonly HashSet<string> _tokens = [];
    private readonly Dictionary<string, (Guid AgentId, AgentRole Role)> _credentials = [];
    private readonly Dictionary<string, long> _lastApplied = [];
    private readonly List<ReceivedSnapshot> _snapshots = [];
    private readonly List<(Guid Id, CommandResultRequest Result)> _results = [];
    private readonly List<DateTimeOffset> _snapshotAttempts = [];
    private TaskCompletionSource _commandQueued = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failNextSnapshots;
    private string? _failRetryAfter;
    private int _pollsInFlight;

    private TestPortal(WebApplication app)
    {
        _app = app;
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>The portal's clock, stamped on every command poll's answer as the real portal does; null answers as a portal older than that.</summary>
    public TimeProvider? Clock { get; set; }

    /// <summary>How long an empty command poll is held (the real portal: 25 s).</summary>
    public TimeSpan PollHold { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>When set, a snapshot is answered with this status and problem instead of being applied.</summary>
    public (int Status, AgentProblem Problem)? RejectSnapshots { get; set; }

    public IReadOnlyList<ReceivedSnapshot> Snapshots
    {
        get
        {
            lock (_lock)
            {
                return [.. _snapshots];
            }
        }
    }

    public IReadOnlyList<(Guid Id, CommandResultRequest Result)> CommandResults
    {
        get
        {
            lock (_lock)
            {
                return [.. _results];
            }
        }
    }

    /// <summary>Command polls the portal is holding; a stopped agent's poll can linger on the server side for a moment.</summary>
    public int PollsInFlight => Volatile.Read(ref _pollsInFlight);

    public int SnapshotAttempts
    {
        get
        {
            lock (_lock)
            {
                return _snapshotAttempts.Count;
            }
        }
    }

    public static async Task<TestPortal> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var portal = new TestPortal(app);
        portal.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        portal.Address = new Uri(address + "/");
        return portal;
    }

    public string MintToken()
    {
        var token = "enroll-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        lock (_lock)
        {
            _tokens.Add(token);
        }

        return token;
    }

    /// <summary>Registers an agent directly (as if enrolled) and returns its credential.</summary>
    public string AddAgent(AgentRole role = AgentRole.Rras)
    {
        var credential = "cred-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        lock (_lock)
        {
            _credentials[credential] = (Guid.NewGuid(), role);
        }

        return credential;
    }

    public void Revoke(string credential)
    {
        lock (_lock)
        {
            _credentials.Remove(credential);
        }
    }

    /// <summary>Answers the next <paramref name="count"/> snapshots with 503, and <paramref name="retryAfter"/> as Retry-After when given.</summary>
    public void FailNextSnapshotsWith503(int count, string? retryAfter = null)
    {
        lock (_lock)
        {
            _failNextSnapshots = count;
            _failRetryAfter = retryAfter;
        }
    }

    public void Queue(AgentCommandMessage command)
    {
        lock (_lock)
        {
            _commands.Enqueue(command);
            _commandQueued.TrySetResult();
        }
    }

    /// <summary>Waits (up to 10 s) until <paramref name="condition"/> holds; fails the test otherwise.</summary>
    /// <summary>
    /// Waits (10 s at most) until <paramref name="condition"/> holds; with <paramref name="clock"/>, moves that fake clock on
    /// by <paramref name="step"/> between looks, so back-offs and pauses timed on it pass without the test waiting them out.
    /// </summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, FakeTimeProvider? clock = null, TimeSpan step = default)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            clock?.Advance(step);
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.MapPost(AgentRoutes.Enroll, async Task<IResult> (HttpContext http) =>
        {
            var request = await JsonSerializer.DeserializeAsync<EnrollRequest>(http.Request.Body, AgentJson.Options);
            lock (_lock)
            {
                if (request is null || !_tokens.Remove(request.Token))
                {
                    return HttpResults.Json(new AgentProblem { Error = AgentErrorCodes.InvalidEnrollmentToken, Message = "The enrollment token is unknown, used or expired." }, AgentJson.Options, statusCode: 400);
                }
            }

            var role = request.MachineName.StartsWith("NPS", StringComparison.OrdinalIgnoreCase) ? AgentRole.Nps : AgentRole.Rras;
            var credential = AddAgent(role);
            return HttpResults.Json(new EnrollResponse { AgentId = Guid.NewGuid(), ServerId = Guid.NewGuid(), Role = role, Credential = credential, ReportIntervalSeconds = 30 }, AgentJson.Options);
        });

        app.MapPost(PortalApiRoutes.EnrollmentTokens, async Task<IResult> (HttpContext http) =>
        {
            if (http.Request.Headers.Authorization.ToString() != "Bearer " + AdminApiKey)
            {
                return HttpResults.StatusCode(401);
            }

            var request = await JsonSerializer.DeserializeAsync<CreateEnrollmentTokenRequest>(http.Request.Body, AgentJson.Options);
            return HttpResults.Json(new CreatedEnrollmentToken { Id = Guid.NewGuid(), Role = request!.Role ?? AgentRole.Rras, ServerName = request.ServerName, Token = MintToken(), ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) }, AgentJson.Options);
        });

        app.MapPost(AgentRoutes.Snapshots, async Task<IResult> (HttpContext http) =>
        {
            if (Authenticate(http) is not { } credential)
            {
                return NotEnrolled();
            }

            var snapshot = await JsonSerializer.DeserializeAsync<AgentSnapshot>(http.Request.Body, AgentJson.Options);
            lock (_lock)
            {
                _snapshotAttempts.Add(DateTimeOffset.UtcNow);
                if (_failNextSnapshots > 0)
                {
                    _failNextSnapshots--;
                    if (_failRetryAfter is { } retryAfter)
                    {
                        http.Response.Headers.RetryAfter = retryAfter;
                    }

                    return HttpResults.StatusCode(503);
                }

                if (RejectSnapshots is { } reject)
                {
                    return HttpResults.Json(reject.Problem, AgentJson.Options, statusCode: reject.Status);
                }

                var last = _lastApplied.GetValueOrDefault(credential);
                var applied = snapshot!.Sequence > last;
                if (applied)
                {
                    _lastApplied[credential] = snapshot.Sequence;
                }

                _snapshots.Add(new ReceivedSnapshot(credential, snapshot, applied));
                return HttpResults.Json(new { applied, reason = applied ? null : $"sequence {snapshot.Sequence} is not above {last}" }, AgentJson.Options);
            }
        });

        app.MapGet(AgentRoutes.Commands, async Task<IResult> (HttpContext http) =>
        {
            if (Authenticate(http) is null)
            {
                return NotEnrolled();
            }

            Task queued;
            lock (_lock)
            {
                if (_commands.Count > 0)
                {
                    return Batch();
                }

                queued = _commandQueued.Task;
            }

            Interlocked.Increment(ref _pollsInFlight);
            try
            {
                await Task.WhenAny(queued, Task.Delay(PollHold, http.RequestAborted));
            }
            finally
            {
                Interlocked.Decrement(ref _pollsInFlight);
            }

            lock (_lock)
            {
                // A poll the agent gave up on (it stopped) must not swallow commands meant for the next one.
                return http.RequestAborted.IsCancellationRequested
                    ? HttpResults.Json(new CommandBatch { Commands = [], PortalTime = Clock?.GetUtcNow() }, AgentJson.Options)
                    : Batch();
            }
        });

        app.MapPost(AgentRoutes.Base + "/commands/{id:guid}/result", async Task<IResult> (HttpContext http, Guid id) =>
        {
            if (Authenticate(http) is null)
            {
                return NotEnrolled();
            }

            var result = await JsonSerializer.DeserializeAsync<CommandResultRequest>(http.Request.Body, AgentJson.Options);
            lock (_lock)
            {
                _results.Add((id, result!));
            }

            return HttpResults.Ok();
        });
    }

    private IResult Batch()
    {
        var commands = new List<AgentCommandMessage>();
        while (_commands.Count > 0)
        {
            commands.Add(_commands.Dequeue());
        }

        _commandQueued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return HttpResults.Json(new CommandBatch { Commands = commands, PortalTime = Clock?.GetUtcNow() }, AgentJson.Options);
    }

    private string? Authenticate(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return null;
        }

        var credential = header["Bearer ".Length..];
        lock (_lock)
        {
            return _credentials.ContainsKey(credential) ? credential : null;
        }
    }

    private static IResult NotEnrolled() =>
        HttpResults.Json(new AgentProblem { Error = AgentErrorCodes.NotEnrolled, Message = "Unknown or revoked agent credential." }, AgentJson.Options, statusCode: 401);
}

internal sealed record ReceivedSnapshot(string Credential, AgentSnapshot Snapshot, bool Applied);
