using VpnPortal.Data;
using VpnPortal.Data.Entities;

namespace VpnPortal.Web.Features.Servers;

/// <summary>Adds an NPS server by hand, or edits one, refusing stale edits and duplicate names.</summary>
public sealed class SaveNpsServer(PortalDbContext db) : SaveServer<NpsServer, NpsServerInput>(db)
{
    protected override void Apply(NpsServerInput input, NpsServer server)
    {
        server.RadiusTimeoutSeconds = input.RadiusTimeoutSeconds;
        server.MfaExtension = input.MfaExtension;
    }
}
