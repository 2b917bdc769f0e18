using VpnPortal.Data.Auditing;

namespace VpnPortal.Web.Tests.Features;

/// <summary>The people the feature tests act as.</summary>
internal static class TestActors
{
    public static readonly AuditActor Admin = new(AuditActorKind.User, Guid.Parse("0d9a3c1e-0000-4000-8000-00000000a001"), "admin@corp.example");
}
