using VpnPortal.Web.Cli;
using VpnPortal.Web.Features.Setup;
using VpnPortal.Web.Hosting;

if (args.Length > 0 && args[0] == AdminCli.Verb)
{
    return await AdminCli.RunAsync(args[1..]);
}

var builder = PortalHost.CreateBuilder(args);
var app = builder.Build();
try
{
    await PortalDatabase.MigrateAsync(app.Services);
}
catch (DatabaseUnreachableException e)
{
    // One line an operator can act on; the driver's own account is there too for who reads the debug log.
    app.Logger.LogDebug(e.InnerException, "The database refused or could not be reached");
    app.Logger.LogCritical("{Problem}", e.Message);
    await app.DisposeAsync(); // the console logger writes from a queue: flush it before the process ends
    return 1;
}

app.UsePortal();
FirstAdminSetup.PrintLinkWhenStarted(app);
await app.RunAsync();
return 0;

/// <summary>The portal's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
