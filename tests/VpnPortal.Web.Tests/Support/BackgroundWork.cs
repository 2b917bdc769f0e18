using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace VpnPortal.Web.Tests.Support;

/// <summary>Service changes for tests that decide themselves when the portal's background work runs.</summary>
internal static class BackgroundWork
{
    /// <summary>
    /// Takes away the hosted service that runs <typeparamref name="T"/> (registered as <c>AddHostedService(sp =&gt; sp.GetRequiredService&lt;T&gt;())</c>),
    /// so nothing runs it behind the test's back; <typeparamref name="T"/> itself stays registered for those that ask it for a run.
    /// Fails loudly when the portal no longer registers it that way, rather than leaving a race in the test.
    /// </summary>
    public static IServiceCollection WithoutHosted<T>(this IServiceCollection services)
        where T : IHostedService
    {
        var hosted = services
            .Where(d => d.ServiceType == typeof(IHostedService)
                && (d.ImplementationType == typeof(T) || d.ImplementationFactory?.Method.ReturnType == typeof(T)))
            .ToList();
        if (hosted.Count != 1)
        {
            throw new InvalidOperationException($"Expected one hosted service running {typeof(T).Name}, found {hosted.Count}.");
        }

        services.Remove(hosted[0]);
        return services;
    }
}
