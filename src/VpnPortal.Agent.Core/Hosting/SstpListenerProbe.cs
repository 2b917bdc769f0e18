using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using VpnPortal.Contracts.Agents;

namespace VpnPortal.Agent.Hosting;

/// <summary>What the SSTP listener answered to one probe: a status code and the certificate it presented, or why nothing answered.</summary>
public sealed record SstpProbeAnswer
{
    /// <summary>The HTTP status; null when no answer came.</summary>
    public int? StatusCode { get; init; }

    /// <summary>SHA-1 of the certificate presented in the TLS handshake (upper-case hex); null over plain HTTP or when the handshake never got that far.</summary>
    public string? PresentedSha1 { get; init; }

    /// <summary>Why nothing answered (connection refused, TLS failed, timed out); null when something answered.</summary>
    public string? Failure { get; init; }

    public static SstpProbeAnswer Answered(int statusCode, string? presentedSha1) => new() { StatusCode = statusCode, PresentedSha1 = presentedSha1 };

    public static SstpProbeAnswer NoAnswer(string failure, string? presentedSha1 = null) => new() { Failure = failure, PresentedSha1 = presentedSha1 };
}

/// <summary>Sends <c>HEAD</c> to an SSTP listener; behind an interface so the Windows host is tested without one.</summary>
public interface ISstpListenerProbe
{
    Task<SstpProbeAnswer> ProbeAsync(Uri uri, CancellationToken cancellationToken);
}

/// <summary>
/// Probes the SSTP listener of this machine the way a load balancer's health monitor does, and records the certificate
/// it presents. The name in the URL is <c>localhost</c> (so that is what the request and SNI carry), but the connection
/// always goes to one loopback address: <c>localhost</c> may resolve to <c>::1</c> or <c>127.0.0.1</c>, which HTTP.sys
/// serves from different bindings (<c>[::]:443</c> and <c>0.0.0.0:443</c>), and a check must say which one it looked at.
/// </summary>
public sealed class SstpListenerProbe(TimeSpan timeout, IPAddress? connectTo = null) : ISstpListenerProbe
{
    /// <summary>A healthy listener answers within milliseconds; a load balancer gives up after a few seconds too.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly IPAddress _address = connectTo ?? IPAddress.Loopback;

    /// <summary>The loopback address the probe connects to (the IPv4 binding's, unless told otherwise).</summary>
    public IPAddress Address => _address;

    public async Task<SstpProbeAnswer> ProbeAsync(Uri uri, CancellationToken cancellationToken)
    {
        string? presented = null;
        using var handler = new SocketsHttpHandler
        {
            // A machine-wide proxy must not stand between the agent and its own listener.
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = timeout,
            ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint.Port, ct),
        };

        // Every certificate is accepted, and recorded: the listener is this machine's own (the connection cannot go
        // elsewhere), its name is the public FQDN rather than localhost, and which certificate it presents is the answer.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            presented = certificate is null ? null : Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA1));
            return true;
        };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Head, uri);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            return SstpProbeAnswer.Answered((int)response.StatusCode, presented);
        }
        catch (HttpRequestException e)
        {
            return SstpProbeAnswer.NoAnswer(e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message, presented);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SstpProbeAnswer.NoAnswer(string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalSeconds:0.#} s"), presented);
        }
    }

    private async ValueTask<Stream> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(_address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(_address, port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>
/// A check-sstp-listener command: which URL to probe, and whether an answer is a healthy SSTP listener's (401, and over
/// HTTPS the expected certificate). Both hosts judge answers here, so the simulation words its results as Windows does.
/// </summary>
internal sealed record SstpListenerCheck(string Url, int Port, bool UseHttps, string? ExpectedSha1)
{
    /// <summary>
    /// What is probed, with the braces of the path sent as they are (as load balancers' monitors send them), not
    /// percent-encoded. Messages use <see cref="Url"/>, which keeps the port even where it is the scheme's default.
    /// </summary>
    public Uri Uri => new(Url, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    /// <summary>The command's payload, checked before anything is probed.</summary>
    public static SstpListenerCheck From(CheckSstpListenerPayload payload)
    {
        if (payload.Port is < 1 or > 65535)
        {
            throw new CommandFailedException($"{payload.Port} is not a TCP port; the SSTP listener's port is between 1 and 65535 (443 by default).");
        }

        var expected = payload.ExpectedSha1Thumbprint is null ? null : CommandHashes.Sha1(payload.ExpectedSha1Thumbprint);
        var url = string.Create(CultureInfo.InvariantCulture, $"{(payload.UseHttps ? "https" : "http")}://localhost:{payload.Port}{SstpListener.ProbePath}");
        return new SstpListenerCheck(url, payload.Port, payload.UseHttps, expected);
    }

    /// <summary>The result message when the answer is a healthy listener's; otherwise throws <see cref="CommandFailedException"/> saying what answered.</summary>
    public string Judge(SstpProbeAnswer answer)
    {
        var probe = $"HEAD {Url}";
        if (answer.StatusCode is not { } status)
        {
            throw new CommandFailedException($"{probe} got no answer ({answer.Failure ?? "no reason known"}): SSTP is not listening on port {Port}.");
        }

        var presented = UseHttps ? $" with certificate {answer.PresentedSha1 ?? "(none seen)"}" : " over plain HTTP";
        if (status != (int)HttpStatusCode.Unauthorized)
        {
            throw new CommandFailedException($"{probe} answered {Status(status)}{presented}; a listening SSTP answers 401, so SSTP is not serving on port {Port}.");
        }

        if (UseHttps && answer.PresentedSha1 is null)
        {
            throw new CommandFailedException($"{probe} answered 401, but the certificate the listener presented was not seen, so it cannot be checked.");
        }

        if (UseHttps && ExpectedSha1 is not null && !string.Equals(answer.PresentedSha1, ExpectedSha1, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommandFailedException($"{probe} answered 401{presented}, not {ExpectedSha1}: the listener does not present the expected certificate.");
        }

        return UseHttps
            ? $"{probe} answered {Status(status)}{presented}: SSTP is listening."
            : $"{probe} answered {Status(status)}{presented} (TLS offloaded): SSTP is listening.";
    }

    private static string Status(int code) =>
        Enum.IsDefined((HttpStatusCode)code) ? string.Create(CultureInfo.InvariantCulture, $"{code} ({(HttpStatusCode)code})") : code.ToString(CultureInfo.InvariantCulture);
}
