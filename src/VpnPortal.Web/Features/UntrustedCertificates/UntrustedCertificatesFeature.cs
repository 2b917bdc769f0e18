namespace VpnPortal.Web.Features.UntrustedCertificates;

/// <summary>Revoked device certificates kept in every VPN server's Untrusted store, and the convergence that keeps them there.</summary>
public static class UntrustedCertificatesFeature
{
    public static IServiceCollection AddUntrustedCertificatesFeature(this IServiceCollection services)
    {
        services.AddSingleton<UntrustedCertificateConvergence>();
        services.AddHostedService(sp => sp.GetRequiredService<UntrustedCertificateConvergence>());
        services.AddScoped<ListUntrustedCertificates>();
        services.AddScoped<UntrustCertificate>();
        services.AddScoped<RemoveUntrustedCertificate>();
        services.AddScoped<AdoptUntrustedCertificate>();
        services.AddScoped<RemoveHeldCertificate>();
        return services;
    }
}
