using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary.Extensions;
using Polly;
using Polly.Timeout;

namespace VpnPortal.Web.Features.MfaMethods;

/// <summary>
/// The "graph" HTTP client's resilience pipeline, outermost first: the whole call's budget
/// (<see cref="EntraOptions.CallTimeout"/>: a person is waiting on a page), retries, and each attempt's timeout
/// (<see cref="EntraOptions.RequestTimeout"/>). A 429 or 503 is retried after its Retry-After (Graph did not process the
/// request), unless Graph asks for a wait longer than <see cref="EntraOptions.MaxRetryAfter"/>: that answer is returned at
/// once and reported as "try again later". Other server errors, timeouts and failed connections are retried only for a
/// request marked safe to repeat (<see cref="MarkSafeToRepeat{T}(RequestConfiguration{T})"/>), since the outcome of a
/// create that got no answer is unknown. Nothing else retries: the Graph SDK is given this client, so its own retry and
/// redirect handlers are not used, and Azure.Identity's token requests are not retried by Azure.Core either.
/// </summary>
public static class GraphResilience
{
    /// <summary>The first back-off; it doubles with each retry.</summary>
    public static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Registers the "graph" client: no client-wide timeout (the pipeline bounds the call) and no request logging.</summary>
    public static IHttpClientBuilder AddGraphHttpClient(this IServiceCollection services)
    {
        // Without the client's own request logging: Graph's paths carry the user's name, which the provider keeps out of logs.
        var client = services.AddHttpClient(GraphMfaMethodProvider.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
        client.AddResilienceHandler("graph", (pipeline, context) =>
        {
            // Waits and timeouts here are about a network and a person waiting on a page: they run on the real clock,
            // not on the portal's TimeProvider (which tests move by hand for expiries and schedules).
            pipeline.TimeProvider = TimeProvider.System;
            Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<MfaOptions>>().Value.Entra);
        });
        return client;
    }

    /// <summary>
    /// Marks a Graph SDK request that may be sent again after a failure whose outcome is unknown (a read, an update to a
    /// fixed id, a delete). The SDK carries the option onto the HTTP request, where the retry reads it; an unmarked request
    /// (a create, a token request) is repeated only when Graph says it did not process it.
    /// </summary>
    public static void MarkSafeToRepeat<T>(RequestConfiguration<T> configuration)
        where T : class, new() => configuration.Options.Add(SafeToRepeatOption.Instance);

    /// <inheritdoc cref="MarkSafeToRepeat{T}(RequestConfiguration{T})"/>
    public static void MarkSafeToRepeat(RequestInformation request) => request.AddRequestOptions([SafeToRepeatOption.Instance]);

    public static bool IsThrottled(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, EntraOptions entra)
    {
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "call", Timeout = entra.CallTimeout });
        if (entra.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = entra.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = BaseDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, entra.MaxRetryAfter)),
            });
        }

        pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = entra.RequestTimeout });
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, TimeSpan maxRetryAfter)
    {
        if (outcome.Result is { } response && IsThrottled(response.StatusCode))
        {
            var wait = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - TimeProvider.System.GetUtcNow(),
                _ => TimeSpan.Zero,
            };
            return wait <= maxRetryAfter;
        }

        var safe = context.GetRequestMessage()?.GetRequestOption<SafeToRepeatOption>() is not null;
        return safe && (outcome.Exception is HttpRequestException or TimeoutRejectedException || outcome.Result is { StatusCode: >= HttpStatusCode.InternalServerError });
    }

    /// <summary>The mark of a request that is safe to repeat; Kiota copies request options onto the HTTP request by type.</summary>
    private sealed class SafeToRepeatOption : IRequestOption
    {
        public static readonly SafeToRepeatOption Instance = new();
    }
}
