using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using MeshActors.Crypto;
using MeshActors.DataPlane.Forwarding;
using MeshActors.Node.Actors;
using MeshActors.Node.Messaging;
using MeshActors.Node.Names;
using MeshActors.Node.Settings;
using MeshActors.Protocol.Counting;
using MeshActors.Protocol.Routing;
using MeshActors.Protocol.Tunnels;

namespace MeshActors.Node.Tunnels;

/// <summary>
/// Port tunnels. Near end: each tunnel (<c>tunnels.forward</c>, <see cref="OpenTunnel"/>) is a
/// <see cref="TunnelListener"/> on loopback; each connection, or each UDP client, opens a stream to the target node
/// (resolved from a name, key or overlay address when it opens) with an Open frame. Far end: an Open for a protocol and
/// port in <c>tunnels.expose</c> connects to that port on 127.0.0.1 and answers Accept; anything else is refused and
/// counted (deny by default). Frames travel as messages of the tunnel bus (<see cref="TunnelBus"/>), sealed end to end;
/// a connected stream is a <see cref="TunnelStream"/>, whose loops move the bytes. At most <c>tunnels.max-streams</c>
/// streams run; an Open unanswered for <see cref="OpenTimeout"/> and a UDP stream idle for <c>tunnels.idle-timeout</c>
/// end.
/// </summary>
public sealed class TunnelActor : ReceiveActor, IWithTimers
{
    public const string Name = "tunnels";

    public static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    /// <summary>Datagrams queued for one UDP client before its stream sends them.</summary>
    private const int UdpQueue = 64;

    private readonly TunnelSettings _settings;
    private readonly Forwarder _forwarder;
    private readonly NameDirectoryHolder _names;
    private readonly TunnelBusSender _bus;
    private readonly Dictionary<int, TunnelListener> _listeners = [];
    private readonly Dictionary<(RouterId Peer, ulong Id), Entry> _streams = [];
    private readonly CounterSet<TunnelEvent> _counts = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _nextTunnel;

    public TunnelActor(TunnelSettings settings, Forwarder forwarder, NameDirectoryHolder names)
    {
        _settings = settings;
        _forwarder = forwarder;
        _names = names;
        _bus = new TunnelBusSender(Context.System);
        Receive<OpenTunnel>(open => Sender.Tell(Open(open.Spec)));
        Receive<CloseTunnel>(close => Sender.Tell(Close(close.Id)));
        Receive<GetTunnels>(_ => Sender.Tell(Describe()));
        Receive<ConnectionAccepted>(OnConnection);
        Receive<DatagramReceived>(OnDatagram);
        Receive<BusDelivered>(OnFrame);
        Receive<FarConnected>(OnFarConnected);
        Receive<OpenFailed>(failed => Fail(failed.Key, failed.Why));
        Receive<StreamEnded>(ended => End(ended.Key, ended.Entry));
        Receive<Tick>(_ => OnTick());
        Receive<Sent>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TunnelSettings settings, Forwarder forwarder, NameDirectoryHolder names) =>
        Akka.Actor.Props.Create(() => new TunnelActor(settings, forwarder, names));

    protected override void PreStart()
    {
        foreach (var spec in _settings.Forward)
        {
            var result = Open(spec);
            if (!result.Succeeded)
            {
                throw new NodeConfigurationException($"tunnels.forward '{spec}': {result.Message}");
            }
        }

        if (_settings.Expose.Count > 0)
        {
            _log.Info("tunnels may reach {0} on this node's loopback", string.Join(", ", Exposed()));
        }

        Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, TickInterval);
    }

    protected override void PostStop()
    {
        foreach (var listener in _listeners.Values)
        {
            listener.Dispose();
        }

        foreach (var entry in _streams.Values)
        {
            entry.Abandon();
        }
    }

    // ----- the near end -----

    private TunnelCommandResult Open(TunnelSpec spec)
    {
        var id = ++_nextTunnel;
        TunnelListener listener;
        try
        {
            listener = TunnelListener.Start(id, spec, Self, () => _counts.Increment(TunnelEvent.DatagramsDropped));
        }
        catch (SocketException e)
        {
            return new TunnelCommandResult(false, $"cannot listen on 127.0.0.1:{spec.ListenPort} ({spec.ProtocolName}): {e.Message}");
        }

        _listeners[id] = listener;
        _log.Info("tunnel {0}: {1} 127.0.0.1:{2} -> {3}", id, spec.ProtocolName, spec.ListenPort, spec.Target);
        return new TunnelCommandResult(true, $"tunnel {id}", Info(listener));
    }

    private TunnelCommandResult Close(int id)
    {
        if (!_listeners.Remove(id, out var listener))
        {
            return new TunnelCommandResult(false, $"no tunnel {id}");
        }

        listener.Dispose();
        foreach (var entry in _streams.Values.Where(entry => entry.Tunnel == id).ToList())
        {
            entry.Abandon();
        }

        _log.Info("tunnel {0} closed", id);
        return new TunnelCommandResult(true, $"closed tunnel {id}");
    }

    private void OnConnection(ConnectionAccepted accepted)
    {
        if (!_listeners.TryGetValue(accepted.Tunnel, out var listener))
        {
            accepted.Socket.Dispose();
            return;
        }

        StartOpen(listener, new SocketEnd(accepted.Socket));
    }

    private void OnDatagram(DatagramReceived received)
    {
        if (!_listeners.TryGetValue(received.Tunnel, out var listener))
        {
            return;
        }

        if (!listener.Clients.TryGetValue(received.Client, out var end))
        {
            end = new UdpClientEnd(listener.Socket, received.Client, UdpQueue);
            listener.Clients[received.Client] = end;
            if (!StartOpen(listener, end))
            {
                return;
            }
        }

        if (!end.Offer(received.Datagram))
        {
            _counts.Increment(TunnelEvent.DatagramsDropped);
        }
    }

    /// <summary>Sends the Open for a new connection or UDP client; false (the end closed, counted) when the target
    /// does not resolve or too many streams run.</summary>
    private bool StartOpen(TunnelListener listener, IStreamEnd end)
    {
        var spec = listener.Spec;
        var peer = Resolve(spec.Node);
        var why = _streams.Count >= _settings.MaxStreams ? $"{_settings.MaxStreams} streams already run (tunnels.max-streams)"
            : peer is null ? $"no route to {spec.Node}: unknown name, key or address"
            : null;
        if (why is not null)
        {
            _counts.Increment(TunnelEvent.OpenFailed);
            _log.Warning("tunnel {0}: a stream to {1} not opened: {2}", listener.Id, spec.Target, why);
            Forget(listener.Id, end);
            end.Dispose();
            return false;
        }

        var key = (peer!.Value, (ulong)Random.Shared.NextInt64());
        _streams[key] = new Entry(listener.Id, spec.Protocol, end) { DeadlineMs = Environment.TickCount64 + (long)OpenTimeout.TotalMilliseconds };
        Send(key, TunnelFrame.Open(key.Item2, spec.Protocol, (ushort)spec.Port));
        return true;
    }

    private RouterId? Resolve(string node)
    {
        if (node.Length == 2 * PublicIdentity.Size && PublicIdentity.TryParse(node, out var identity))
        {
            return RouterId.FromBytes(identity.Bytes);
        }

        var address = IPAddress.TryParse(node, out var literal) ? literal : _names.Current.Resolve(node.ToLowerInvariant())?.Ipv6;
        return address is not null && _forwarder.Routes is { } routes && routes.TryLookup(address.GetAddressBytes(), out var route)
            ? RouterId.FromBytes(route.Owner.Bytes)
            : null;
    }

    // ----- frames from other nodes -----

    private void OnFrame(BusDelivered delivered)
    {
        if (!TunnelFrame.TryRead(delivered.Payload, out var frame))
        {
            _counts.Increment(TunnelEvent.FramesMalformed);
            return;
        }

        var key = (delivered.Sender, frame.Stream);
        if (frame.Kind == TunnelFrameKind.Open)
        {
            OnOpen(key, frame);
            return;
        }

        if (!_streams.TryGetValue(key, out var entry))
        {
            if (!(frame.Kind == TunnelFrameKind.Close && frame.Reset))
            {
                _counts.Increment(TunnelEvent.FramesUnknownStream);
            }

            return;
        }

        var opening = entry.Stream is null && entry.Near;
        switch (frame.Kind)
        {
            case TunnelFrameKind.Refuse:
                if (opening)
                {
                    _counts.Increment(TunnelEvent.OpenFailed);
                    _log.Warning("tunnel {0}: {1} refused a stream: {2}", entry.Tunnel, delivered.Sender, Describe(frame.Refusal));
                    End(key, entry);
                }

                break;
            case TunnelFrameKind.Accept:
                if (opening)
                {
                    Connect(key, entry);
                }

                break;
            default:
                // Data (or a Credit or Close) may overtake the Accept: the far end accepted before it sent them.
                if (opening)
                {
                    Connect(key, entry);
                }

                entry.Stream?.Take(frame);
                break;
        }
    }

    private void OnOpen((RouterId Peer, ulong Id) key, TunnelFrame open)
    {
        if (_streams.ContainsKey(key))
        {
            return; // a duplicate: the bus delivers each message once, so only a forged or replayed id
        }

        TunnelRefusal? refusal = !_settings.Exposes(open.Protocol, open.Port) ? TunnelRefusal.NotExposed
            : _streams.Count >= _settings.MaxStreams ? TunnelRefusal.TooManyStreams
            : null;
        if (refusal is { } refused)
        {
            _counts.Increment(refused == TunnelRefusal.NotExposed ? TunnelEvent.RefusedNotExposed : TunnelEvent.RefusedTooMany);
            _log.Info("refused a {0} stream from {1} to port {2}: {3}", open.Protocol, key.Peer, open.Port, Describe(refused));
            Send(key, TunnelFrame.Refuse(key.Id, refused));
            return;
        }

        _streams[key] = new Entry(0, open.Protocol, null) { DeadlineMs = Environment.TickCount64 + (long)OpenTimeout.TotalMilliseconds };
        ConnectLocalAsync(open.Protocol, open.Port).PipeTo(
            Self, success: socket => new FarConnected(key, socket), failure: error => new OpenFailed(key, error.Message));
    }

    private static async Task<Socket> ConnectLocalAsync(TunnelProtocol protocol, int port)
    {
        var tcp = protocol == TunnelProtocol.Tcp;
        var socket = new Socket(AddressFamily.InterNetwork, tcp ? SocketType.Stream : SocketType.Dgram, tcp ? ProtocolType.Tcp : ProtocolType.Udp);
        try
        {
            using var timeout = new CancellationTokenSource(ConnectTimeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void OnFarConnected(FarConnected connected)
    {
        if (!_streams.TryGetValue(connected.Key, out var entry) || entry.Stream is not null || entry.Near)
        {
            connected.Socket.Dispose();
            return;
        }

        entry.End = new SocketEnd(connected.Socket);
        _counts.Increment(TunnelEvent.StreamsAccepted);
        Send(connected.Key, TunnelFrame.Accept(connected.Key.Id));
        Connect(connected.Key, entry);
    }

    private void Fail((RouterId Peer, ulong Id) key, string why)
    {
        if (!_streams.TryGetValue(key, out var entry) || entry.Stream is not null)
        {
            return;
        }

        if (entry.Near)
        {
            _counts.Increment(TunnelEvent.OpenFailed);
            _log.Warning("tunnel {0}: a stream to {1} failed to open: {2}", entry.Tunnel, key.Peer, why);
        }
        else
        {
            _counts.Increment(TunnelEvent.RefusedConnectFailed);
            _log.Info("a stream from {0} could not connect on this node: {1}", key.Peer, why);
            Send(key, TunnelFrame.Refuse(key.Id, TunnelRefusal.ConnectFailed));
        }

        End(key, entry);
    }

    // ----- streams -----

    private void Connect((RouterId Peer, ulong Id) key, Entry entry)
    {
        var stream = new TunnelStream(key.Peer, key.Id, entry.Protocol, entry.End!, _bus, _counts);
        entry.Stream = stream;
        if (entry.Near)
        {
            _counts.Increment(TunnelEvent.StreamsOpened);
        }

        stream.Ended.PipeTo(Self, success: _ => new StreamEnded(key, entry));
        stream.Start();
    }

    private void End((RouterId Peer, ulong Id) key, Entry entry)
    {
        if (_streams.TryGetValue(key, out var current) && current == entry)
        {
            _streams.Remove(key);
        }

        entry.Abandon();
        Forget(entry.Tunnel, entry.End);
    }

    /// <summary>A UDP client's end leaves its listener's table, so its next datagram opens a new stream.</summary>
    private void Forget(int tunnel, IStreamEnd? end)
    {
        if (end is UdpClientEnd client && _listeners.TryGetValue(tunnel, out var listener))
        {
            listener.Clients.TryRemove(new KeyValuePair<IPEndPoint, UdpClientEnd>(client.Client, client));
        }
    }

    private void OnTick()
    {
        var now = Environment.TickCount64;
        var idleMs = (long)_settings.IdleTimeout.TotalMilliseconds;
        foreach (var (key, entry) in _streams.ToList())
        {
            if (entry.Stream is null && now > entry.DeadlineMs)
            {
                Fail(key, $"no answer within {OpenTimeout.TotalSeconds:0} s");
            }
            else if (entry.Stream is { Protocol: TunnelProtocol.Udp } udp && now - udp.LastActivityMs > idleMs)
            {
                udp.Reset();
            }
        }
    }

    private void Send((RouterId Peer, ulong Id) key, byte[] frame) =>
        _bus.SendAsync(key.Peer, frame, CancellationToken.None).PipeTo(Self, success: () => Sent.Instance, failure: error => new OpenFailed(key, error.Message));

    private static string Describe(TunnelRefusal refusal) => refusal switch
    {
        TunnelRefusal.NotExposed => "that port is not exposed there (tunnels.expose)",
        TunnelRefusal.ConnectFailed => "nothing accepted the connection there",
        TunnelRefusal.TooManyStreams => "too many streams there (tunnels.max-streams)",
        _ => refusal.ToString(),
    };

    private IEnumerable<string> Exposed() =>
        _settings.Expose.Select(e => $"{(e.Protocol == TunnelProtocol.Tcp ? "tcp" : "udp")}/{e.Port}");

    private TunnelInfo Info(TunnelListener listener) => new(
        listener.Id, listener.Spec.ProtocolName, $"127.0.0.1:{listener.Spec.ListenPort}", listener.Spec.Target,
        _streams.Values.Count(entry => entry.Near && entry.Tunnel == listener.Id));

    private TunnelStatus Describe() => new(
        [.. _listeners.Values.OrderBy(listener => listener.Id).Select(Info)], [.. Exposed()], _streams.Count, _counts.ToDictionary());

    /// <summary>A stream this node knows: opening (no <see cref="Stream"/> yet) or running. <see cref="Tunnel"/> 0:
    /// the far end, opened by another node.</summary>
    private sealed class Entry(int tunnel, TunnelProtocol protocol, IStreamEnd? end)
    {
        public int Tunnel { get; } = tunnel;

        public bool Near => Tunnel != 0;

        public TunnelProtocol Protocol { get; } = protocol;

        public IStreamEnd? End { get; set; } = end;

        public TunnelStream? Stream { get; set; }

        public long DeadlineMs { get; init; }

        public void Abandon()
        {
            if (Stream is { } stream)
            {
                stream.Reset();
            }
            else
            {
                End?.Dispose();
            }
        }
    }

    private sealed record FarConnected((RouterId Peer, ulong Id) Key, Socket Socket);

    private sealed record OpenFailed((RouterId Peer, ulong Id) Key, string Why);

    private sealed record StreamEnded((RouterId Peer, ulong Id) Key, Entry Entry);

    private sealed record Sent
    {
        public static readonly Sent Instance = new();
    }

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }
}
