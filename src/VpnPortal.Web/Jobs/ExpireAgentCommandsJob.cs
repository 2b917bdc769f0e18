using VpnPortal.Web.AgentApi;

namespace VpnPortal.Web.Jobs;

/// <summary>Ends commands whose deadline passed, also for servers whose agent never polls again, so admins see "Expired".</summary>
public sealed class ExpireAgentCommandsJob(IServiceScopeFactory scopes, ILogger<ExpireAgentCommandsJob> logger, IConfiguration configuration)
    : PortalJob(scopes, logger, TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Jobs:ExpireAgentCommandsSeconds", 30))))
{
    public override async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var expired = await services.GetRequiredService<CommandDelivery>().ExpireAsync(null, services.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
        if (expired > 0)
        {
            logger.LogInformation("Expired {Count} agent commands whose deadline passed", expired);
        }
    }
}
