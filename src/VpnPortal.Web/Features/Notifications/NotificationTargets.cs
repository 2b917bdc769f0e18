using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using VpnPortal.Domain.Notifications;

namespace VpnPortal.Web.Features.Notifications;

/// <summary>Which addresses notification channels may connect to. The tests replace it to reach their listeners on loopback.</summary>
public interface INotificationTargetPolicy
{
    /// <summary>Null when the address may be connected to; otherwise what it is ("a loopback address ...").</summary>
    string? Refusal(IPAddress address);
}

/// <summary>The portal's rule (<see cref="TargetAddresses"/>) with Notifications:AllowPrivateNetworkTargets.</summary>
public sealed class NotificationTargetPolicy(IOptions<NotificationOptions> options) : INotificationTargetPolicy
{
    public string? Refusal(IPAddress address) => TargetAddresses.Refusal(address, options.Value.AllowPrivateNetworkTargets);
}

/// <summary>
/// Resolves a webhook's or relay's host, judges every address it resolves to, and connects only to addresses that passed.
/// The check is on the address actually connected to at send time, so a name that resolved to a public address when it
/// was saved (or a moment ago) and now resolves to the portal's own machine or the metadata service gets nowhere.
/// </summary>
public sealed class NotificationTargets(INotificationTargetPolicy policy)
{
    /// <summary>
    /// The addresses <paramref name="host"/> stands for, every one of them allowed; a host with any refused address is
    /// refused whole (a name that resolves to a public and a private address is not one to trust with either).
    /// </summary>
    /// <exception cref="NotificationSendException">The host, or one of its addresses, is refused.</exception>
    /// <exception cref="SocketException">The name could not be resolved.</exception>
    public async Task<IPAddress[]> CheckedAddressesAsync(string host, CancellationToken ct)
    {
        var literal = LiteralAddress(host);
        var addresses = literal is null ? await Dns.GetHostAddressesAsync(host, ct) : [literal];
        if (addresses.Length == 0)
        {
            throw new NotificationSendException($"Not sent: {host} has no address.");
        }

        foreach (var address in addresses)
        {
            if (policy.Refusal(address) is { } why)
            {
                throw new NotificationSendException(literal is null
                    ? $"Not sent: {host} resolves to {address}, {why}."
                    : $"Not sent: {address} is {why}.");
            }
        }

        return addresses;
    }

    /// <summary>What the settings page says about a host it is about to save: only a literal address (or "localhost") can be judged without DNS.</summary>
    public string? SaveTimeRefusal(string host)
    {
        var address = string.Equals(host.TrimEnd('.'), "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : LiteralAddress(host);
        return address is not null && policy.Refusal(address) is { } why ? $"{host} is {why}; the portal does not send notifications there." : null;
    }

    /// <summary>
    /// The webhook client's <see cref="SocketsHttpHandler.ConnectCallback"/>: connects to the checked addresses of the
    /// request's host, in the order DNS gave them. The handler wraps a refusal in an <see cref="HttpRequestException"/>.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await CheckedAddressesAsync(context.DnsEndPoint.Host, ct);
        return new NetworkStream(await ConnectAsync(addresses, context.DnsEndPoint.Port, ct), ownsSocket: true);
    }

    /// <summary>A socket connected to the first of <paramref name="addresses"/> (checked ones) that answers, in their order.</summary>
    public static async Task<Socket> ConnectAsync(IPAddress[] addresses, int port, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static IPAddress? LiteralAddress(string host) =>
        IPAddress.TryParse(host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host, out var address) ? address : null;
}
