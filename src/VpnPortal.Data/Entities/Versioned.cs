namespace VpnPortal.Data.Entities;

/// <summary>
/// An entity an admin edits. <see cref="Version"/> is an application-managed concurrency token: the
/// context gives it a new value on every update, so a stale edit fails the same way on every provider.
/// </summary>
public interface IVersioned
{
    Guid Version { get; set; }
}
