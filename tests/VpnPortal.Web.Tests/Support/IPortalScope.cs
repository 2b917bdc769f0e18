using VpnPortal.Data.Auditing;
using VpnPortal.Testing;

namespace VpnPortal.Web.Tests.Support;

/// <summary>What a test helper needs of a portal under test, with or without its web host: its database and a scope.</summary>
public interface IPortalScope
{
    TestDatabase Database { get; }

    IServiceProvider Services { get; }

    /// <summary>Runs <paramref name="work"/> in a fresh DI scope, acting as <paramref name="actor"/> for the audit log.</summary>
    Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work, AuditActor? actor = null);

    Task InScopeAsync(Func<IServiceProvider, Task> work, AuditActor? actor = null);
}
