namespace VpnPortal.Web.Features.Certificates;

public static class CertificatesFeature
{
    public static IServiceCollection AddCertificatesFeature(this IServiceCollection services)
    {
        services.AddScoped<ListCertificates>();
        services.AddScoped<GetCertificate>();
        return services;
    }
}
