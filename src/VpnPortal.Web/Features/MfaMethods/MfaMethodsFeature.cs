namespace VpnPortal.Web.Features.MfaMethods;

/// <summary>Registers the configured MFA provider and code sender.</summary>
public static class MfaMethodsFeature
{
    public static IServiceCollection AddMfaMethodsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MfaOptions>().BindConfiguration(MfaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CodeSenderOptions>().BindConfiguration(CodeSenderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddGraphHttpClient();
        // Without the client's own request logging either: it writes the full URL, and a gateway's may carry its key.
        services.AddHttpClient(HttpGatewayVerificationCodeSender.HttpClientName).RemoveAllLoggers();

        var mfa = configuration.GetSection(MfaOptions.Section).Get<MfaOptions>() ?? new MfaOptions();
        if (mfa.UsesEntra)
        {
            services.AddSingleton<GraphClients>();
            services.AddScoped<IMfaMethodProvider, GraphMfaMethodProvider>();
        }
        else
        {
            services.AddScoped<IMfaMethodProvider, PortalMfaMethodProvider>();
        }

        services.AddScoped<SignInMethods>();
        services.AddScoped<HelpdeskSignInMethods>();
        services.AddScoped<IVerificationCodeSender>(sp =>
        {
            var sender = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<CodeSenderOptions>>().Value;
            if (sender.IsHttpGateway)
            {
                return ActivatorUtilities.CreateInstance<HttpGatewayVerificationCodeSender>(sp);
            }

            return sp.GetRequiredService<IHostEnvironment>().IsDevelopment()
                ? ActivatorUtilities.CreateInstance<LogVerificationCodeSender>(sp)
                : new UnconfiguredVerificationCodeSender();
        });
        return services;
    }
}
