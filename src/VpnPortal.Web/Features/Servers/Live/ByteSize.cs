namespace VpnPortal.Web.Features.Servers.Live;

/// <summary>Byte counts as people read them (1024-based, as Windows shows them).</summary>
public static class ByteSize
{
    public static string Text(long n) => n switch
    {
        < 1024 => $"{n} B",
        < 1024 * 1024 => $"{n / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{n / 1024.0 / 1024:0.#} MB",
        < 1024L * 1024 * 1024 * 1024 => $"{n / 1024.0 / 1024 / 1024:0.##} GB",
        _ => $"{n / 1024.0 / 1024 / 1024 / 1024:0.##} TB",
    };
}
