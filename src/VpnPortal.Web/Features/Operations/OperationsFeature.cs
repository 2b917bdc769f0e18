namespace VpnPortal.Web.Features.Operations;

public static class OperationsFeature
{
    public static IServiceCollection AddOperationsFeature(this IServiceCollection services)
    {
        services.AddScoped<GetOperation>();
        return services;
    }
}
