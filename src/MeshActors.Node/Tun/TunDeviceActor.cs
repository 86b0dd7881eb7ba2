using Akka.Actor;
using Akka.Event;
using MeshActors.DataPlane.Tun;
using MeshActors.Node.Routing;
using MeshActors.Protocol;

namespace MeshActors.Node.Tun;

/// <summary>
/// The TUN device's control side: keeps the kernel routes into the device equal to the prefixes the route table
/// selected outside the overlay prefix (IPv4 addresses and prefixes of other nodes), adding and removing them as
/// routes come and go. The device itself (reads and writes) belongs to the forwarder's threads; the overlay prefix
/// needs no route here because the device's own address carries its prefix length.
/// </summary>
public sealed class TunDeviceActor : ReceiveActor
{
    public const string Name = "tun";

    private readonly ITunRoutes _routes;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public TunDeviceActor(ITunRoutes routes)
    {
        _routes = routes;
        Receive<RoutedPrefixesChanged>(changed => Sync(changed.Prefixes));
    }

    public static Props Props(ITunRoutes routes) => Akka.Actor.Props.Create(() => new TunDeviceActor(routes));

    protected override void PostStop() => Sync(new HashSet<IpPrefix>());

    private void Sync(IReadOnlySet<IpPrefix> wanted)
    {
        foreach (var stale in _routes.Routes.Where(route => !wanted.Contains(route)).ToList())
        {
            Try(() => _routes.RemoveRoute(stale), "remove", stale);
        }

        foreach (var missing in wanted.Where(prefix => !_routes.Routes.Contains(prefix)).ToList())
        {
            Try(() => _routes.AddRoute(missing), "add", missing);
        }
    }

    private void Try(Action change, string verb, IpPrefix prefix)
    {
        try
        {
            change();
            _log.Debug("TUN route {0}: {1}", verb, prefix);
        }
        catch (TunDeviceException e)
        {
            _log.Warning("cannot {0} TUN route {1}: {2}", verb, prefix, e.Message);
        }
    }
}
