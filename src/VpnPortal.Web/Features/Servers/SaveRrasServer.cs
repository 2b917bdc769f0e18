using VpnPortal.Data;
using VpnPortal.Data.Entities;
using VpnPortal.Domain.Naming;

namespace VpnPortal.Web.Features.Servers;

/// <summary>Adds an RRAS server by hand, or edits one, refusing stale edits and duplicate names.</summary>
public sealed class SaveRrasServer(PortalDbContext db) : SaveServer<RrasServer, RrasServerInput>(db)
{
    protected override void Apply(RrasServerInput input, RrasServer server)
    {
        server.PublicFqdns = input.PublicFqdnList();
        server.Protocols = input.Protocols;
        server.SstpListenerPort = input.SstpListenerPort;
        server.TlsOffload = input.TlsOffload;
        server.LoadBalancerCertificateSha256 = Thumbprints.Normalize(input.LoadBalancerCertificateSha256);
    }
}
