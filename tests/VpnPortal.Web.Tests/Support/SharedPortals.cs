using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace VpnPortal.Web.Tests.Support;

/// <summary>
/// A class fixture for refusal theories: each row sends one bad request and proves it changed nothing, so every row of
/// a theory can use one portal, set up by the first row that needs it, instead of a host start and the same setup
/// per row. xunit runs a class's tests one after another, and each row compares the rows it counted itself before and
/// after its request, so a row never sees another's work. What the setup makes is disposed when the class is done.
/// </summary>
public sealed class SharedPortals : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _setUps = new();
    private readonly ConcurrentStack<object> _owned = new();

    /// <summary>
    /// What <paramref name="setUp"/> made for <paramref name="theory"/> (the calling test method, by default), made
    /// once. A setup that failed fails every row that asks for it, with the same exception.
    /// </summary>
    public async Task<T> ForTheoryAsync<T>(Func<SharedPortals, Task<T>> setUp, [CallerMemberName] string theory = "")
        where T : notnull =>
        (T)await _setUps.GetOrAdd(theory, _ => new Lazy<Task<object>>(async () => await setUp(this))).Value;

    /// <summary>Keeps <paramref name="resource"/> (a portal, a client) until the class is done, then disposes it.</summary>
    public T Own<T>(T resource)
        where T : class
    {
        _owned.Push(resource);
        return resource;
    }

    public async ValueTask DisposeAsync()
    {
        // Last made, first disposed: a client before the portal it talks to.
        while (_owned.TryPop(out var resource))
        {
            switch (resource)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }
}
