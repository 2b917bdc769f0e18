namespace VpnPortal.Web.Features.Users;

public static class UsersFeature
{
    public static IServiceCollection AddUsersFeature(this IServiceCollection services)
    {
        services.AddScoped<ListUsers>();
        services.AddScoped<GetUser>();
        services.AddScoped<CreateUser>();
        services.AddScoped<UpdateUser>();
        services.AddScoped<SetUserDisabled>();
        services.AddScoped<UnlockUser>();
        services.AddScoped<SignOutEverywhere>();
        return services;
    }
}
