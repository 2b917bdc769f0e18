using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Components.Shared;

/// <summary>
/// One way to write each kind of value on every page: protocols as Microsoft spells them, byte counts in binary units,
/// durations as people say them. Times are <see cref="LocalTime"/> and <see cref="RelativeTime"/>.
/// </summary>
public static class Display
{
    /// <summary>SSTP, IKEv2, L2TP, PPTP; an unknown tunnel as a dash.</summary>
    public static string Protocol(TunnelType t) => t switch
    {
        TunnelType.Sstp => "SSTP",
        TunnelType.Ikev2 => "IKEv2",
        TunnelType.L2tp => "L2TP",
        TunnelType.Pptp => "PPTP",
        _ => "—",
    };

    /// <summary>A protocol as the API and the agent spell it ("sstp", "ikev2", ...), written as Microsoft does.</summary>
    public static string Protocol(string? name) =>
        Enum.TryParse<TunnelType>(name, ignoreCase: true, out var t) && Enum.IsDefined(t) ? Protocol(t) : string.IsNullOrEmpty(name) ? "—" : name;

    /// <summary>The protocols a server offers, in a fixed order: "SSTP, IKEv2"; none as "none".</summary>
    public static string Protocols(VpnProtocols p) => p == VpnProtocols.None
        ? "none"
        : string.Join(", ", Enum.GetValues<VpnProtocols>().Where(v => v != VpnProtocols.None && p.HasFlag(v)).Select(v => Protocol(Enum.Parse<TunnelType>(v.ToString()))));

    /// <summary>Byte counts in binary units (1 KiB = 1,024 bytes), as Windows counts them.</summary>
    public static string Bytes(long n) => n switch
    {
        < 0 => "—",
        < 1024 => $"{n} B",
        < 1024 * 1024 => $"{n / 1024.0:0.#} KiB",
        < 1024L * 1024 * 1024 => $"{n / 1024.0 / 1024:0.#} MiB",
        < 1024L * 1024 * 1024 * 1024 => $"{n / 1024.0 / 1024 / 1024:0.##} GiB",
        _ => $"{n / 1024.0 / 1024 / 1024 / 1024:0.##} TiB",
    };

    /// <summary>How long something has lasted: "&lt; 1 min", "42 min", "3 h 05 min", "2 d 4 h".</summary>
    public static string Duration(TimeSpan d) =>
        d < TimeSpan.Zero ? "—"
        : d.TotalMinutes < 1 ? "< 1 min"
        : d.TotalHours < 1 ? $"{(int)d.TotalMinutes} min"
        : d.TotalDays < 1 ? $"{(int)d.TotalHours} h {d.Minutes:00} min"
        : $"{(int)d.TotalDays} d {d.Hours} h";
}
