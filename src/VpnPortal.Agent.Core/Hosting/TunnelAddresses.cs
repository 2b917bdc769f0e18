using System.Net;

namespace VpnPortal.Agent.Hosting;

/// <summary>The tunnel addresses of a disconnect-sessions command: checked the same way by every host.</summary>
public static class TunnelAddresses
{
    public const int MaxPerCommand = 1000;

    /// <summary>The addresses in canonical text, or a refusal naming the first bad one.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<string>? addresses)
    {
        if (addresses is null || addresses.Count == 0)
        {
            throw new CommandFailedException("The disconnect-sessions command names no tunnel address.");
        }

        if (addresses.Count > MaxPerCommand)
        {
            throw new CommandFailedException($"At most {MaxPerCommand} tunnel addresses per command; this one has {addresses.Count}.");
        }

        var parsed = new List<string>(addresses.Count);
        foreach (var text in addresses)
        {
            if (!IPAddress.TryParse(text?.Trim(), out var address))
            {
                throw new CommandFailedException($"'{Clip(text)}' is not an IPv4 or IPv6 address, so no connection can be ended by it.");
            }

            parsed.Add(address.ToString());
        }

        return parsed.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The result for people: how many connections ended, and how many were already gone.</summary>
    public static string Describe(int disconnected, int absent, string machineName) =>
        $"Ended {disconnected} connection(s) on {machineName}" + (absent > 0 ? $"; {absent} had already ended." : ".");

    private static string Clip(string? text) => text is null ? "" : text.Length <= 60 ? text : text[..60] + "…";
}
