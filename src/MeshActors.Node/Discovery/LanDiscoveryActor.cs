using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using MeshActors.Crypto;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Actors;
using MeshActors.Node.Links;
using MeshActors.Node.Settings;
using MeshActors.Protocol.Counting;
using MeshActors.Protocol.Discovery;
using MeshActors.Routing.Names;

namespace MeshActors.Node.Discovery;

/// <summary>
/// LAN discovery (<c>discovery.lan</c>): every <c>discovery.lan-interval</c> sends this node's beacon out of every
/// interface that is up, multicast-capable and has an IPv6 link-local address (not loopback, not its own TUN
/// device), and asks the <see cref="PeerManager"/> to dial each node it hears (<c>lan-N</c>, key pinned, UDP to the
/// beacon's link-local source and advertised port; of a node heard from several addresses, the first). A node not
/// heard there for <see cref="ForgetAfterBeacons"/> intervals is dropped unless its link is up. The reader thread checks beacons and hands at most <see cref="MaxPending"/> at a
/// time to the actor; the rest, and everything malformed, is counted and dropped there.
/// </summary>
public sealed class LanDiscoveryActor : ReceiveActor, IWithTimers
{
    public const string Name = "discovery";

    /// <summary>Intervals without a beacon after which a heard node is forgotten (beacons are UDP and may be lost).</summary>
    public const int ForgetAfterBeacons = 3;

    /// <summary>Most nodes heard at once: a LAN of more nodes links to the first ones (they link to the others).</summary>
    public const int MaxHeard = 64;

    /// <summary>Beacons waiting for the actor at once: a flood costs the reader thread, not the mailbox.</summary>
    public const int MaxPending = 64;

    private readonly DiscoverySettings _settings;
    private readonly PublicIdentity _self;
    private readonly int _udpPort;
    private readonly string? _tunName;
    private readonly CounterSet<LanDiscoveryEvent> _counts = new();
    private readonly Dictionary<KeyBytes, Heard> _heard = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly byte[] _beacon = new byte[LanBeacon.Size];
    private LanBeaconSocket? _socket;
    private List<string> _interfaces = [];
    private int _pending;

    /// <param name="udpPort">The port this node takes UDP links on over IPv6 (advertised in its beacon); 0: none, so
    /// discovery stays off and says why.</param>
    /// <param name="tunName">This node's own TUN device, never beaconed on; null without one.</param>
    public LanDiscoveryActor(DiscoverySettings settings, PublicIdentity self, int udpPort, string? tunName)
    {
        _settings = settings;
        _self = self;
        _udpPort = udpPort;
        _tunName = tunName;
        if (udpPort > 0)
        {
            LanBeacon.Write(_beacon, self.Bytes, udpPort);
        }

        Receive<BeaconHeard>(OnHeard);
        Receive<Tick>(_ => OnTick());
        Receive<GetLanDiscovery>(_ => Sender.Tell(Describe()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(DiscoverySettings settings, PublicIdentity self, int udpPort, string? tunName) =>
        Akka.Actor.Props.Create(() => new LanDiscoveryActor(settings, self, udpPort, tunName));

    private long NowMs => _clock.ElapsedMilliseconds;

    protected override void PreStart()
    {
        var self = Self;
        var counts = _counts;
        var ownKey = _self.Bytes.ToArray();
        if (_udpPort == 0)
        {
            _log.Error("LAN discovery is off: the node listens on no IPv6 UDP address (add udp://[::]:PORT to listen)");
            return;
        }

        try
        {
            _socket = new LanBeaconSocket(_settings.LanPort, (datagram, from) => Screen(datagram, from, ownKey, counts, self));
        }
        catch (SocketException e)
        {
            _log.Error("LAN discovery is off: cannot listen on UDP port {0} ({1})", _settings.LanPort, e.Message);
            return;
        }

        _log.Info("LAN discovery on: beacons every {0:0.###} s to [{1}]:{2}", _settings.LanInterval.TotalSeconds, LanBeacon.Group, _settings.LanPort);
        Timers.StartPeriodicTimer("beacon", Tick.Instance, TimeSpan.Zero, _settings.LanInterval);
    }

    protected override void PostStop() => _socket?.Dispose();

    /// <summary>The reader thread: checks a datagram and passes a beacon of another node on, within the bound.</summary>
    private void Screen(ReadOnlySpan<byte> datagram, IPEndPoint from, byte[] ownKey, CounterSet<LanDiscoveryEvent> counts, IActorRef self)
    {
        if (!LanBeacon.TryRead(datagram, out var key, out var port) || !PublicIdentity.TryFromBytes(key, out var identity) || !from.Address.IsIPv6LinkLocal)
        {
            counts.Increment(LanDiscoveryEvent.Malformed);
            return;
        }

        if (key.SequenceEqual(ownKey))
        {
            counts.Increment(LanDiscoveryEvent.Own);
            return;
        }

        if (Interlocked.Increment(ref _pending) > MaxPending)
        {
            Interlocked.Decrement(ref _pending);
            counts.Increment(LanDiscoveryEvent.Busy);
            return;
        }

        counts.Increment(LanDiscoveryEvent.Heard);
        self.Tell(new BeaconHeard(new KeyBytes(key.ToArray()), identity, new IPEndPoint(from.Address, port)));
    }

    private void OnHeard(BeaconHeard heard)
    {
        Interlocked.Decrement(ref _pending);
        if (_heard.TryGetValue(heard.Key, out var known))
        {
            // A node with several interfaces on the link (a bridge and its ports) is heard from several addresses: the
            // first one is kept until it goes unheard, so the dialled address does not flap between them.
            if (known.EndPoint.Equals(heard.EndPoint))
            {
                known.LastHeardMs = NowMs;
            }

            return;
        }

        if (_heard.Count >= MaxHeard)
        {
            _counts.Increment(LanDiscoveryEvent.TableFull);
            return;
        }

        // Dialled once per sighting: the peer manager keeps the child (redialling with backoff, or standing by beside
        // a link the peer dialled) until this actor drops it.
        _log.Info("LAN discovery: heard {0} at {1}", heard.Key.ToString()[..8], heard.EndPoint);
        var entry = _heard[heard.Key] = new Heard(PeerUri.PinnedUdp(heard.EndPoint, heard.Identity), heard.EndPoint) { LastHeardMs = NowMs };
        _counts.Increment(LanDiscoveryEvent.Dialled);
        NodeRegistry.TryTell<PeerManager>(Context.System, new DialDiscovered(entry.Uri, "lan", "heard on the LAN"), Self);
    }

    private void OnTick()
    {
        var forgetMs = ForgetAfterBeacons * (long)_settings.LanInterval.TotalMilliseconds;
        foreach (var (key, heard) in _heard.Where(pair => NowMs - pair.Value.LastHeardMs > forgetMs).ToList())
        {
            _heard.Remove(key);
            Drop(heard, $"not heard for {ForgetAfterBeacons} beacon intervals");
        }

        var interfaces = Eligible();
        _socket!.Forget(_socket.Joined.Except(interfaces.Select(i => i.Index)).ToList());
        foreach (var (index, _) in interfaces)
        {
            if (!_socket.Join(index))
            {
                _counts.Increment(LanDiscoveryEvent.JoinFailed);
                continue;
            }

            _counts.Increment(_socket.Send(index, _beacon) ? LanDiscoveryEvent.BeaconsSent : LanDiscoveryEvent.SendFailed);
        }

        _interfaces = [.. interfaces.Select(i => i.Name)];
    }

    private void Drop(Heard heard, string why)
    {
        _counts.Increment(LanDiscoveryEvent.Dropped);
        NodeRegistry.TryTell<PeerManager>(Context.System, new DropDiscovered(heard.Uri, "lan", why), Self);
    }

    /// <summary>Interfaces to beacon on: up, multicast, with an IPv6 link-local address; not loopback or our TUN.</summary>
    private List<(int Index, string Name)> Eligible()
    {
        var eligible = new List<(int, string)>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus is not (OperationalStatus.Up or OperationalStatus.Unknown) || !nic.SupportsMulticast
                || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback || nic.Name == _tunName || !nic.Supports(NetworkInterfaceComponent.IPv6))
            {
                continue;
            }

            var properties = nic.GetIPProperties();
            if (properties.UnicastAddresses.Any(a => a.Address.IsIPv6LinkLocal))
            {
                eligible.Add((properties.GetIPv6Properties().Index, nic.Name));
            }
        }

        return eligible;
    }

    private LanDiscoveryStatus Describe() => new(
        _interfaces,
        [.. _heard.OrderBy(pair => pair.Key).Select(pair => new LanNode(pair.Key.ToString(), pair.Value.EndPoint.ToString(), (NowMs - pair.Value.LastHeardMs) / 1000.0))],
        _counts.ToDictionary());

    private sealed record BeaconHeard(KeyBytes Key, PublicIdentity Identity, IPEndPoint EndPoint);

    private sealed class Heard(PeerUri uri, IPEndPoint endPoint)
    {
        public PeerUri Uri { get; } = uri;

        public IPEndPoint EndPoint { get; } = endPoint;

        public long LastHeardMs { get; set; }
    }

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }
}
