using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace VpnPortal.Web.Hosting;

/// <summary>Limits on what a request may send (section "Security").</summary>
public sealed class RequestLimitOptions
{
    public const string Section = "Security";

    /// <summary>
    /// The largest request body any endpoint takes unless it says otherwise (the agents' snapshots and the PFX uploads
    /// do). Enforced on the bytes as they arrive, so a chunked body without a Content-Length is cut off too.
    /// </summary>
    [Range(64 * 1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>
/// The response headers every page and API answer carries, and the request body limits: a page cannot be framed
/// (clickjacking), content types are not guessed, no address with a token in it leaks as a Referer, and scripts come
/// only from the portal itself.
/// </summary>
public static class WebHardening
{
    /// <summary>
    /// What the pages need and no more: Blazor's own script and WebSocket (same origin), styles inline (components set
    /// them), images as data: URIs (QR codes, charts), nothing framed and no framing.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-src 'none'; frame-ancestors 'none'";

    public static IServiceCollection AddWebHardening(this IServiceCollection services)
    {
        services.AddOptions<RequestLimitOptions>().BindConfiguration(RequestLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Kestrel counts the body's bytes as they are read; an endpoint may raise or lower its own limit with
        // RequestSizeLimit metadata, which routing applies before the endpoint reads anything.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitOptions>>((kestrel, limits) =>
            kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);
        services.AddOptions<IISServerOptions>().Configure<IOptions<RequestLimitOptions>>((iis, limits) =>
            iis.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);
        services.AddOptions<FormOptions>().Configure<IOptions<RequestLimitOptions>>((form, limits) =>
        {
            form.MultipartBodyLengthLimit = limits.Value.MaxRequestBodyBytes;
            form.ValueLengthLimit = (int)Math.Min(limits.Value.MaxRequestBodyBytes, int.MaxValue);
        });
        return services;
    }

    /// <summary>Adds the headers to every response, error pages and static files included.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            return Task.CompletedTask;
        });
        return next(context);
    });
}

/// <summary>An endpoint's own request body limit, in place of Security:MaxRequestBodyBytes (applied by routing).</summary>
public sealed record BodySizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
