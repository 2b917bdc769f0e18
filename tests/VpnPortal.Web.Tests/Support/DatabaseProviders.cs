using VpnPortal.Testing;
using Xunit;

namespace VpnPortal.Web.Tests.Support;

/// <summary>
/// <see cref="TestDatabase.Providers"/> for [MemberData] (xunit's analyzer crashes on the property when it lives in
/// another assembly). PostgreSQL cases skip without VPNPORTAL_TEST_POSTGRES, and fail on CI.
/// </summary>
public static class DatabaseProviders
{
    public static TheoryData<string> All => TestDatabase.Providers;
}
