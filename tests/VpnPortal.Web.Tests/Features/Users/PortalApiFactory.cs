using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using VpnPortal.Testing;

namespace VpnPortal.Web.Tests.Features.Users;

/// <summary>The real portal host on a test database, for calling the API as a script would.</summary>
internal sealed class PortalApiFactory(TestDatabase database) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", database.Provider);
        builder.UseSetting("Database:ConnectionString", database.ConnectionString);
    }
}
