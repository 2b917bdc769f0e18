using VpnPortal.Web.Cli;
using VpnPortal.Web.Features.Setup;
using VpnPortal.Web.Hosting;

if (args.Length > 0 && args[0] == AdminCli.Verb)
{
    return await AdminCli.RunAsync(args[1..]);
}

var builder = PortalHost.CreateBuilder(args);
var app = builder.Build();
await PortalDatabase.MigrateAsync(app.Services);
app.UsePortal();
FirstAdminSetup.PrintLinkWhenStarted(app);
await app.RunAsync();
return 0;

/// <summary>The portal's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
