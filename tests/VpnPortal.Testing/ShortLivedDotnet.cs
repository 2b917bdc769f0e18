using System.Diagnostics;

namespace VpnPortal.Testing;

/// <summary>
/// Runtime settings for the portal processes tests start (`dotnet VpnPortal.Web.dll ...`): each lives for seconds and
/// spends most of them compiling start-up code, which dynamic PGO would instrument and compile again. They change
/// how the runtime compiles, never what the portal does.
/// </summary>
public static class ShortLivedDotnet
{
    public static void Apply(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.Environment["DOTNET_TieredPGO"] = "0";
    }
}
