using Microsoft.EntityFrameworkCore;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Servers;

/// <summary>A server as a picker or a filter offers it.</summary>
public sealed record ServerChoice(Guid Id, string Name, ServerRole Role);

/// <summary>
/// The one way the portal finds a server from what a person or a client typed, and lists servers to choose from.
/// Both compose with the query they start from, so a caller keeps its own <c>AsNoTracking</c>, <c>Include</c> and
/// role (<c>db.RrasServers</c>, <c>db.NpsServers</c> or <c>db.Servers</c>).
/// </summary>
public static class ServerLookup
{
    /// <summary>
    /// The server whose id is <paramref name="idOrName"/> (a GUID) or whose name it is, without regard to case (names
    /// are unique that way, <see cref="ServerNames"/>). Surrounding spaces are ignored.
    /// </summary>
    public static IQueryable<TServer> Matching<TServer>(this IQueryable<TServer> servers, string idOrName)
        where TServer : ManagedServer
    {
        var text = idOrName.Trim();
        if (Guid.TryParse(text, out var id))
        {
            return servers.Where(s => s.Id == id);
        }

        var upper = text.ToUpperInvariant();
        return servers.Where(s => s.Name.ToUpper() == upper);
    }

    /// <summary>The id of the server <paramref name="idOrName"/> names, or null when there is none.</summary>
    public static Task<Guid?> IdOfAsync<TServer>(this IQueryable<TServer> servers, string idOrName, CancellationToken ct = default)
        where TServer : ManagedServer =>
        servers.AsNoTracking().Matching(idOrName).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct);

    /// <summary>Every server of the query, by name, for a picker or a filter.</summary>
    public static Task<List<ServerChoice>> ChoicesAsync<TServer>(this IQueryable<TServer> servers, CancellationToken ct = default)
        where TServer : ManagedServer =>
        servers.AsNoTracking().OrderBy(s => s.Name).Select(s => new ServerChoice(s.Id, s.Name, s.Role)).ToListAsync(ct);

    /// <summary>A server name as an error message may quote it: at most 80 characters.</summary>
    public static string Quote(string idOrName)
    {
        var text = idOrName.Trim();
        return text.Length > 80 ? text[..80] + "…" : text;
    }
}
