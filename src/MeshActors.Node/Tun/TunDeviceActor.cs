using Akka.Actor;
using Akka.Event;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Tun;
using MeshActors.Node.Actors;
using MeshActors.Node.Routing;
using MeshActors.Protocol;

namespace MeshActors.Node.Tun;

/// <summary>
/// Owns the TUN device's lifetime and its control side. PreStart opens the device and attaches it to the forwarder,
/// whose threads then read and write it; PostStop (also before a restart) detaches it, which disposes it and makes
/// the kernel remove the interface with its addresses and routes, so a restart opens a fresh one. A device that
/// cannot be opened (no driver or privilege, a bad or busy name, a refused address) is a
/// <see cref="NodeConfigurationException"/>: the guardian stops the node with its one-line message.
/// <para>While running it keeps the kernel routes into the device equal to the prefixes the route table selected
/// outside the overlay prefix (IPv4 addresses and prefixes of other nodes), and moves the automatic IPv4 address
/// when the IPv4 actor says so. The overlay prefix needs no route: the device's own address carries its length.</para>
/// </summary>
public sealed class TunDeviceActor : ReceiveActor
{
    public const string Name = "tun";

    private readonly Func<TunOptions> _options;
    private readonly Func<TunOptions, IHostTunDevice> _open;
    private readonly Forwarder _forwarder;
    private readonly TaskCompletionSource? _opened;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IHostTunDevice? _device;

    /// <param name="options">What to open with, asked at each (re)start: the automatic IPv4 address may have moved.</param>
    /// <param name="open">Opens the OS device (<see cref="TunDeviceFactory.Open"/>; tests pass a double).</param>
    /// <param name="opened">Completed after the first successful open (the runtime waits for it before it reports the node up).</param>
    public TunDeviceActor(Func<TunOptions> options, Func<TunOptions, IHostTunDevice> open, Forwarder forwarder, TaskCompletionSource? opened)
    {
        _options = options;
        _open = open;
        _forwarder = forwarder;
        _opened = opened;
        Receive<RoutedPrefixesChanged>(changed => Sync(changed.Prefixes));
        Receive<MoveTunAddress>(Move);
    }

    public static Props Props(
        Func<TunOptions> options, Func<TunOptions, IHostTunDevice> open, Forwarder forwarder, TaskCompletionSource? opened = null) =>
        Akka.Actor.Props.Create(() => new TunDeviceActor(options, open, forwarder, opened));

    protected override void PreStart()
    {
        var options = _options();
        _device = Open(options);
        try
        {
            _forwarder.AttachTun(_device);
        }
        catch (ArgumentException e)
        {
            _device.Dispose();
            _device = null;
            throw new NodeConfigurationException($"cannot use TUN device '{options.Name}': {e.Message}", e);
        }

        _log.Info("TUN device {0} open (MTU {1})", _device.Name, _device.Mtu);
        _opened?.TrySetResult();

        // A restarted device has no routes yet: ask the route table for the current set.
        NodeRegistry.TryTell<RouteTableActor>(Context.System, ResendRoutedPrefixes.Instance, Self);
    }

    protected override void PostStop()
    {
        if (_device is not null)
        {
            _forwarder.DetachTun();
            _log.Info("TUN device {0} closed", _device.Name);
            _device = null;
        }
    }

    private IHostTunDevice Open(TunOptions options)
    {
        try
        {
            return _open(options);
        }
        catch (TunUnavailableException e)
        {
            throw new NodeConfigurationException(e.Message, e);
        }
        catch (TunDeviceException e)
        {
            throw new NodeConfigurationException($"cannot set up TUN device '{options.Name}': {e.Message}", e);
        }
    }

    private void Sync(IReadOnlySet<IpPrefix> wanted)
    {
        var device = _device!;
        foreach (var stale in device.Routes.Where(route => !wanted.Contains(route)).ToList())
        {
            Try(() => device.RemoveRoute(stale), "remove route", stale);
        }

        foreach (var missing in wanted.Where(prefix => !device.Routes.Contains(prefix)).ToList())
        {
            Try(() => device.AddRoute(missing), "add route", missing);
        }
    }

    private void Move(MoveTunAddress move)
    {
        if (_device is not ITunAddresses addresses)
        {
            _log.Warning("TUN device {0} cannot change its addresses on this OS; {1} stays", _device?.Name, move.From);
            return;
        }

        // The new address first: Linux flushes every IPv4 route through a device whose last IPv4 address goes, and
        // the routes installed for other nodes' prefixes would be gone without this actor knowing.
        Try(() => addresses.AddAddress(move.To), "add address", move.To);
        Try(() => addresses.RemoveAddress(move.From), "remove address", move.From);
    }

    private void Try(Action change, string verb, object what)
    {
        try
        {
            change();
            _log.Debug("TUN {0}: {1}", verb, what);
        }
        catch (TunDeviceException e)
        {
            _log.Warning("cannot {0} {1} on the TUN device: {2}", verb, what, e.Message);
        }
    }
}

/// <summary>Told by the IPv4 actor when the automatic address moved: the TUN device drops one address and takes the other.</summary>
public sealed record MoveTunAddress(TunAddress From, TunAddress To);
