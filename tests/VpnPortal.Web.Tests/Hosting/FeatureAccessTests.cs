using System.Reflection;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using VpnPortal.Data;
using VpnPortal.Web.Features;
using VpnPortal.Web.Security;
using VpnPortal.Web.Tests.Support;
using Xunit;

namespace VpnPortal.Web.Tests.Hosting;

/// <summary>
/// Decision 0001 held to: pages reach handlers only through <see cref="ActionScopes"/>, and every handler is registered
/// by its feature, so that one way in always finds it.
/// </summary>
public sealed class FeatureAccessTests
{
    private static readonly Assembly Portal = typeof(Program).Assembly;

    /// <summary>What a page would use to reach data around <see cref="ActionScopes"/> (and so around the audit actor).</summary>
    private static readonly Type[] AroundTheOneWay =
    [
        typeof(PortalDbContext),
        typeof(IDbContextFactory<PortalDbContext>),
        typeof(IServiceScopeFactory),
        typeof(IServiceProvider),
    ];

    /// <summary>Parts a background worker builds for each run of its own, which nothing else reaches.</summary>
    private static readonly Type[] BuiltByTheirWorker = [typeof(global::VpnPortal.Web.Features.UntrustedCertificates.ConvergencePass)];

    [Fact]
    public void NoComponent_InjectsADbContext_AContextFactory_OrAScopeFactory()
    {
        var offenders = Components()
            .SelectMany(c => Injected(c).Where(t => AroundTheOneWay.Contains(t)).Select(t => $"{c.FullName} injects {t.Name}"))
            .ToList();

        offenders.ShouldBeEmpty("pages reach handlers through ActionScopes (decision 0001):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void TheComponentCheck_SeesAnInjectedContext()
    {
        // The check above looks at what Razor compiles @inject into: a property marked [Inject].
        Injected(typeof(PageThatQueriesItself)).ShouldContain(typeof(IDbContextFactory<PortalDbContext>));
        Injected(typeof(PageThatQueriesItself)).ShouldContain(typeof(IServiceScopeFactory));
    }

    [Fact]
    public async Task EveryHandler_IsRegisteredByItsFeature_AndResolvesInAScope()
    {
        await using var portal = await PortalServices.StartAsync();
        var registered = new ServiceCollection().AddPortalFeatures(new ConfigurationBuilder().Build());
        var unregistered = new List<string>();
        await using var scope = portal.Services.CreateAsyncScope();
        foreach (var handler in Handlers())
        {
            var descriptor = registered.FirstOrDefault(d => d.ServiceType == handler || d.ImplementationType == handler);
            if (descriptor is null)
            {
                unregistered.Add(handler.FullName!);
                continue;
            }

            scope.ServiceProvider.GetRequiredService(descriptor.ServiceType).ShouldNotBeNull(handler.FullName);
        }

        unregistered.ShouldBeEmpty("each feature's Add…Feature registers its handlers:\n" + string.Join("\n", unregistered));
    }

    /// <summary>Classes of the features that work on the database: those with a public constructor taking the context.</summary>
    private static IEnumerable<Type> Handlers() => Portal.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true }
            && (t.Namespace?.StartsWith("VpnPortal.Web.Features", StringComparison.Ordinal) == true
                || t.Namespace?.StartsWith("VpnPortal.Web.AgentApi", StringComparison.Ordinal) == true)
            && !typeof(IComponent).IsAssignableFrom(t)
            && !typeof(IAuthenticationHandler).IsAssignableFrom(t)
            && !BuiltByTheirWorker.Contains(t)
            && t.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(PortalDbContext))));

    private static IEnumerable<Type> Components() =>
        Portal.GetTypes().Where(t => typeof(IComponent).IsAssignableFrom(t) && !t.IsAbstract);

    private static IEnumerable<Type> Injected(Type component)
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        for (var type = component; type is not null && type != typeof(ComponentBase); type = type.BaseType)
        {
            foreach (var property in type.GetProperties(all | BindingFlags.DeclaredOnly).Where(p => p.IsDefined(typeof(InjectAttribute))))
            {
                yield return property.PropertyType;
            }

            foreach (var parameter in type.GetConstructors(all).SelectMany(c => c.GetParameters()))
            {
                yield return parameter.ParameterType;
            }
        }
    }

    private sealed class PageThatQueriesItself : ComponentBase
    {
        [Inject]
        private IDbContextFactory<PortalDbContext> DbFactory { get; set; } = null!;

        [Inject]
        private IServiceScopeFactory Scopes { get; set; } = null!;

        public override string ToString() => $"{DbFactory}{Scopes}";
    }
}
