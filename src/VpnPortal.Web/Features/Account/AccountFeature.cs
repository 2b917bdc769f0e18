using VpnPortal.Web.Features.Account.Oidc;

namespace VpnPortal.Web.Features.Account;

/// <summary>Sign-in's own services: organisation sign-in, the record of each sign-in, the recent-sign-in rule and the authenticator app.</summary>
public static class AccountFeature
{
    public static IServiceCollection AddAccountFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOrganisationSignIn(configuration);
        services.AddScoped<SignInRecorder>();
        services.AddSingleton<RecentSignIn>();
        services.AddScoped<AuthenticatorApp>();
        return services;
    }
}
