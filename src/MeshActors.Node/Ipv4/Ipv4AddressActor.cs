using Akka.Actor;
using Akka.Event;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Tun;
using MeshActors.Node.Actors;
using MeshActors.Node.Names;
using MeshActors.Node.Routing;
using MeshActors.Node.Tun;
using MeshActors.Protocol;
using MeshActors.Routing.Ipv4;

namespace MeshActors.Node.Ipv4;

/// <summary>
/// Holds this node's automatic IPv4 address in <c>ipv4.network</c>. Every <c>ipv4.conflict-check-interval</c> it asks
/// the route table for other originators of its /32 and reads the name records (<see cref="NameDirectory"/>); when
/// <see cref="Ipv4AutoAddress"/> says this node loses, it moves: the route table withdraws the old /32 and announces
/// the new, the forwarder and the TUN device take the new address, and the names actor re-signs the record.
/// </summary>
public sealed class Ipv4AddressActor : ReceiveActor, IWithTimers
{
    public const string Name = "ipv4";

    private readonly Ipv4AutoAddress _auto;
    private readonly byte[] _key;
    private readonly IReadOnlyList<IpPrefix> _configured;
    private readonly Forwarder _forwarder;
    private readonly NameDirectoryHolder _names;
    private readonly TimeSpan _interval;
    private readonly UnannouncedOriginators _unannounced;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private HashSet<uint> _routed = [];

    /// <param name="recordGrace">How long a route originator may go without a name record before it counts as a
    /// configured holder (<see cref="UnannouncedOriginators"/>): <c>names.refresh-interval</c>.</param>
    public Ipv4AddressActor(
        Ipv4AutoAddress auto, byte[] key, IReadOnlyList<IpPrefix> configured, Forwarder forwarder,
        NameDirectoryHolder names, TimeSpan interval, TimeSpan recordGrace)
    {
        (_auto, _key, _configured, _forwarder, _names, _interval) = (auto, key, configured, forwarder, names, interval);
        _unannounced = new UnannouncedOriginators(recordGrace);
        Receive<Check>(_ => TellRoutes(new GetOtherOriginators(Ipv4Network.HostRoute(_auto.Address))));
        Receive<OtherOriginators>(OnOriginators);
        Receive<RoutedPrefixesChanged>(changed => _routed = [.. changed.Prefixes
            .Select(prefix => Protocol.Routing.RoutePrefix.From(prefix))
            .Select(Ipv4Network.AddressOf).OfType<uint>()]);
        Receive<RouteTableStarted>(_ => Reoriginate());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public Ipv4AutoAddress Address => _auto;

    public static Props Props(
        Ipv4AutoAddress auto, byte[] key, IReadOnlyList<IpPrefix> configured, Forwarder forwarder,
        NameDirectoryHolder names, TimeSpan interval, TimeSpan recordGrace) =>
        Akka.Actor.Props.Create(() => new Ipv4AddressActor(auto, key, configured, forwarder, names, interval, recordGrace));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("check", Check.Instance, _interval);
        Reoriginate();
    }

    /// <summary>The route table starts from the configured prefixes and candidate 0: after a move, correct it.</summary>
    private void Reoriginate()
    {
        if (_auto.Attempt == 0)
        {
            return;
        }

        TellRoutes(new WithdrawLocalPrefix(Ipv4Network.HostRoute(_auto.Network.Candidate(_key, 0))));
        TellRoutes(new OriginateLocalPrefix(Ipv4Network.HostRoute(_auto.Address)));
    }

    private void OnOriginators(OtherOriginators others)
    {
        var old = _auto.Address;
        if (Ipv4Network.AddressOf(others.Prefix) != old)
        {
            return;
        }

        var records = _names.Current.Records;
        var holders = Ipv4Conflicts.Holders(old, _key, records, others.Keys, _unannounced, Environment.TickCount64);
        if (holders.Count == 0)
        {
            return;
        }

        var taken = Ipv4Conflicts.Taken(_key, records, _routed);
        if (!_auto.Resolve(holders, taken.Contains))
        {
            _log.Debug("IPv4 {0} is also claimed by {1}; the other side moves", Ipv4Network.ToAddress(old), holders.Count);
            return;
        }

        _log.Warning(
            "IPv4 {0} is held by {1} too; moving to {2} (candidate {3})",
            Ipv4Network.ToAddress(old), Convert.ToHexStringLower(holders[0].Key), Ipv4Network.ToAddress(_auto.Address), _auto.Attempt);
        Move(old, _auto.Address);
    }

    private void Move(uint from, uint to)
    {
        TellRoutes(new WithdrawLocalPrefix(Ipv4Network.HostRoute(from)));
        TellRoutes(new OriginateLocalPrefix(Ipv4Network.HostRoute(to)));
        _forwarder.SetLocalIpv4Prefixes([.. _configured, IpPrefix.Create(Ipv4Network.ToAddress(to), 32)]);
        NodeRegistry.TryTell<TunDeviceActor>(
            Context.System, new MoveTunAddress(new TunAddress(Ipv4Network.ToAddress(from), 32), new TunAddress(Ipv4Network.ToAddress(to), 32)));

        NodeRegistry.TryTell<NamesActor>(Context.System, new OwnIpv4Changed(to, IsAutomatic: true));
    }

    private void TellRoutes(object message) => NodeRegistry.TryTell<RouteTableActor>(Context.System, message, Self);

    private sealed class Check
    {
        public static readonly Check Instance = new();
    }
}
