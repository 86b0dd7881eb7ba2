using MeshActors.Protocol;

namespace MeshActors.DataPlane.Tun;

/// <summary>
/// The routes a TUN device has installed, kept in step with the operating system under one lock: a prefix enters
/// the set only after its install command succeeded, and leaves it only after its removal did. Each OS device
/// supplies its own commands (the <c>ip</c> command on Linux, <c>netsh</c> on Windows). Control threads only.
/// </summary>
internal sealed class TunRouteSet(Action<IpPrefix> install, Action<IpPrefix> uninstall)
{
    private readonly HashSet<IpPrefix> _routes = [];
    private readonly Lock _lock = new();

    public IReadOnlyCollection<IpPrefix> Snapshot()
    {
        lock (_lock)
        {
            return [.. _routes];
        }
    }

    /// <summary>Installs <paramref name="prefix"/> unless it is already there; <paramref name="isClosed"/> is checked under the lock.</summary>
    public void Add(IpPrefix prefix, Func<bool> isClosed, object owner)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(isClosed(), owner);
            if (!_routes.Contains(prefix))
            {
                install(prefix);
                _routes.Add(prefix);
            }
        }
    }

    public bool Remove(IpPrefix prefix, Func<bool> isClosed, object owner)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(isClosed(), owner);
            if (!_routes.Contains(prefix))
            {
                return false;
            }

            uninstall(prefix);
            _routes.Remove(prefix);
            return true;
        }
    }

    /// <summary>Forgets every route: the OS dropped them with the interface.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _routes.Clear();
        }
    }
}
