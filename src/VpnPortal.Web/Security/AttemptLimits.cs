using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using VpnPortal.Contracts.Agents;
using VpnPortal.Web.Components;

namespace VpnPortal.Web.Security;

/// <summary>
/// Rate limits on what can be guessed or abused (sign-in, the second factor, MFA codes, enrollment), per client address
/// and per account, with ASP.NET Core's rate limiter. Requests are limited per address by the middleware, through the
/// policies below; the account is known only once a handler has read the form or the session, so handlers ask
/// <see cref="AttemptLimiter"/> for that count (and for both counts in an open page, which has no request of its own).
/// A refused request gets 429 with Retry-After, and nothing behind the limit runs.
/// </summary>
public static class AttemptLimits
{
    public const string SignInPolicy = "attempts-sign-in";
    public const string SecondFactorPolicy = "attempts-second-factor";
    public const string EnrollmentPolicy = "attempts-enrollment";

    public static IServiceCollection AddAttemptLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AttemptLimiter>();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(SignInPolicy, context => PerAddress(context, AttemptKind.SignIn));
            o.AddPolicy(SecondFactorPolicy, context => PerAddress(context, AttemptKind.SecondFactor));
            o.AddPolicy(EnrollmentPolicy, context => PerAddress(context, AttemptKind.Enrollment));
            o.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>After routing, so each endpoint's policy is known; after the forwarded headers, so the address is the client's.</summary>
    public static IApplicationBuilder UseAttemptLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>A page's own refusal (the account's count): 429 with Retry-After, and the page shows its message.</summary>
    public static void RefuseAttempt(this HttpContext context, TimeSpan retryAfter)
    {
        context.SetPageStatus(StatusCodes.Status429TooManyRequests);
        context.Response.Headers.RetryAfter = Seconds(retryAfter).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>What a person is told when a limit is reached.</summary>
    public static string Message(TimeSpan retryAfter)
    {
        var seconds = Seconds(retryAfter);
        var wait = seconds < 120 ? $"{seconds} seconds" : $"{(seconds + 59) / 60} minutes";
        return $"Too many attempts. Try again in {wait}.";
    }

    private static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    /// <summary>
    /// Only posted attempts count: showing a form is free. A request without a known address (none in-process) is not
    /// counted by address: one shared counter would let anyone lock everyone out.
    /// </summary>
    private static RateLimitPartition<string> PerAddress(HttpContext context, AttemptKind kind)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || ClientAddress.Of(context) is not { } address)
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        var limit = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.For(kind);
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        return RateLimitPartition.Get(address, _ => new ClockWindowLimiter(time, limit.PerAddress, limit.Window));
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Seconds(wait).ToString(CultureInfo.InvariantCulture);
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AttemptLimits))
            .LogWarning("Refused {Method} {Path} from {Address}: too many attempts from this address; it may try again in {Seconds} s",
                context.Request.Method, context.Request.Path.Value, ClientAddress.Of(context), Seconds(wait));
        if (context.Request.Path.StartsWithSegments(AgentRoutes.Base))
        {
            // The agent reads every refusal as an AgentProblem and waits Retry-After before trying again.
            await context.Response.WriteAsJsonAsync(new AgentProblem { Error = "too-many-attempts", Message = Message(wait) }, AgentJson.Options, ct);
            return;
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(Message(wait) + " Too many came from your network address.", ct);
    }
}

/// <summary>The counters a handler asks itself: per account, and per address where no request carries the attempt.</summary>
public sealed class AttemptLimiter(IOptions<RateLimitOptions> options, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<(AttemptKind, bool ByAccount), PartitionedRateLimiter<string>> _limiters = new();

    /// <summary>
    /// Counts one attempt by <paramref name="address"/> and by <paramref name="account"/> (either may be null: not
    /// counted); null when it may go ahead, else how long until it may.
    /// </summary>
    public TimeSpan? TryAttempt(AttemptKind kind, string? address, string? account)
    {
        var limit = options.Value.For(kind);
        if (address is not null && Refused(Limiter(kind, byAccount: false, limit.PerAddress, limit.Window), address) is { } byAddress)
        {
            return byAddress;
        }

        if (account is not null && limit.PerAccount is { } perAccount && Refused(Limiter(kind, byAccount: true, perAccount, limit.Window), account) is { } byAccount)
        {
            return byAccount;
        }

        return null;
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }

    private static TimeSpan? Refused(PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key);
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
    }

    private PartitionedRateLimiter<string> Limiter(AttemptKind kind, bool byAccount, int permits, TimeSpan window) =>
        _limiters.GetOrAdd((kind, byAccount), _ => PartitionedRateLimiter.Create<string, string>(
            key => RateLimitPartition.Get(key, _ => new ClockWindowLimiter(time, permits, window)), StringComparer.Ordinal));
}

/// <summary>The key a client address is counted under.</summary>
public static class ClientAddress
{
    /// <summary>The request's client: after the forwarded headers middleware, the address a trusted proxy saw.</summary>
    public static string? Of(HttpContext context) => Key(context.Connection.RemoteIpAddress);

    /// <summary>
    /// IPv4 as is; IPv6 by its /64, the block one client is usually given and may pick any address from. Null when
    /// unknown.
    /// </summary>
    public static string? Key(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>The key of an address already written as text (the audit actor's), null when it is none.</summary>
    public static string? Key(string? address) => IPAddress.TryParse(address, out var parsed) ? Key(parsed) : null;
}
