using MeshActors.Protocol.Routing;
using MeshActors.Routing;

namespace MeshActors.Testing.Simulation;

/// <summary>
/// Deterministic discrete-event simulation of routing cores over links with latency, loss and cut/heal.
/// Single-threaded: one event queue ordered by (virtual time, insertion order), one seeded Random, so a seed
/// reproduces a run exactly. Node i announces <see cref="SimulatedIdentity.SubnetOf"/>(i).
///
/// Link failure model: a cut stops frames at once; the cores hear <c>NeighbourDown</c> after the link layer's
/// detection delay (<see cref="RoutingTimers.LinkDeadAfter"/>, 3 missed 1 s hellos) and <c>NeighbourUp</c> one
/// hello interval after a heal.
/// </summary>
public sealed class NetworkSimulator
{
    private readonly SimulatorOptions _options;
    private readonly Random _random;
    private readonly PriorityQueue<Event, (long Ticks, long Order)> _events = new();
    private readonly List<SimulatedLink>[] _linksOf;
    private readonly Dictionary<(int, int), SimulatedLink> _links = new();
    private readonly TimeSpan[] _scheduledWakeup;
    private long _order;

    public NetworkSimulator(int nodeCount, IEnumerable<(int A, int B)> edges, SimulatorOptions? options = null)
    {
        _options = options ?? new SimulatorOptions();
        _random = new Random(_options.Seed);
        var routerIds = _options.ShareRouterIds ? new RouterIdTable() : null;
        Cores = new RoutingCore[nodeCount];
        Traffic = new TrafficStats[nodeCount];
        _linksOf = new List<SimulatedLink>[nodeCount];
        _scheduledWakeup = new TimeSpan[nodeCount];
        for (var i = 0; i < nodeCount; i++)
        {
            Cores[i] = new RoutingCore(
                SimulatedIdentity.RouterIdOf(i), SimulatedIdentity.Ownership, _options.Routing, TimeSpan.Zero, routerIds);
            Traffic[i] = new TrafficStats();
            _linksOf[i] = new List<SimulatedLink>();
            _scheduledWakeup[i] = TimeSpan.MaxValue;
        }

        var latencySpan = (_options.MaxLatency - _options.MinLatency).Ticks;
        foreach (var (a, b) in edges)
        {
            var latency = _options.MinLatency + TimeSpan.FromTicks((long)(_random.NextDouble() * latencySpan));
            var link = new SimulatedLink(a, b, latency, LinkCost.FromRtt(latency * 2));
            _links.Add(Key(a, b), link);
            _linksOf[a].Add(link);
            _linksOf[b].Add(link);
        }
    }

    public RoutingCore[] Cores { get; }

    public TrafficStats[] Traffic { get; }

    public int NodeCount => Cores.Length;

    public TimeSpan Now { get; private set; }

    public IReadOnlyList<SimulatedLink> LinksOf(int node) => _linksOf[node];

    public IEnumerable<SimulatedLink> Links => _links.Values;

    public SimulatedLink Link(int a, int b) => _links[Key(a, b)];

    /// <summary>Every node originates its subnet and every link comes up, all at the current time.</summary>
    public void Start()
    {
        for (var i = 0; i < NodeCount; i++)
        {
            Apply(i, Cores[i].AddLocalPrefix(SimulatedIdentity.SubnetOf(i), Now));
        }

        foreach (var link in _links.Values)
        {
            BringUp(link);
        }
    }

    /// <summary>Node <paramref name="node"/> starts originating <paramref name="prefix"/> now.</summary>
    public void Originate(int node, RoutePrefix prefix) => Apply(node, Cores[node].AddLocalPrefix(prefix, Now));

    /// <summary>Node <paramref name="node"/> stops originating <paramref name="prefix"/> now.</summary>
    public void Withdraw(int node, RoutePrefix prefix) => Apply(node, Cores[node].RemoveLocalPrefix(prefix, Now));

    /// <summary>
    /// Called when a message sent with <see cref="SendToNeighbours"/> arrives: (receiving node, sending neighbour,
    /// message). Floods above routing (name records) ride on this, over the same links, latency, loss and cuts.
    /// </summary>
    public Action<int, int, object>? MessageArrived { get; set; }

    /// <summary>Sends <paramref name="message"/> to every neighbour the node sees up, except <paramref name="except"/>.</summary>
    public void SendToNeighbours(int node, object message, int? except = null)
    {
        foreach (var link in Targets(node, null))
        {
            var other = link.Other(node);
            if (other != except && Delivered(link))
            {
                Enqueue(Now + link.Latency, new MessageArrives(link, link.Epoch, node, other, message));
            }
        }
    }

    /// <summary>Physically cuts a link; the cores notice after the detection delay.</summary>
    public void Cut(int a, int b)
    {
        var link = Link(a, b);
        if (!link.IsUp)
        {
            return;
        }

        link.IsUp = false;
        link.Epoch++;
        Enqueue(Now + _options.Routing.Timers.LinkDeadAfter, new LinkDetected(link, link.Epoch));
    }

    /// <summary>Restores a link; the cores bring it up one hello interval later.</summary>
    public void Heal(int a, int b)
    {
        var link = Link(a, b);
        if (link.IsUp)
        {
            return;
        }

        link.IsUp = true;
        link.Epoch++;
        Enqueue(Now + _options.Routing.Timers.HelloInterval, new LinkDetected(link, link.Epoch));
    }

    /// <summary>Processes events up to and including <see cref="Now"/> + <paramref name="duration"/>.</summary>
    public void RunFor(TimeSpan duration)
    {
        var until = Now + duration;
        while (_events.TryPeek(out _, out var at) && at.Ticks <= until.Ticks)
        {
            Step();
        }

        Now = until;
    }

    /// <summary>
    /// Runs until <paramref name="condition"/> holds, checking it every <paramref name="checkEvery"/> of virtual
    /// time; false when <paramref name="limit"/> of virtual time passed first.
    /// </summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit, TimeSpan checkEvery)
    {
        var deadline = Now + limit;
        while (Now < deadline)
        {
            if (condition())
            {
                return true;
            }

            RunFor(checkEvery);
        }

        return condition();
    }

    private void Step()
    {
        _events.TryDequeue(out var next, out var at);
        Now = TimeSpan.FromTicks(at.Ticks);
        switch (next)
        {
            case Wakeup wakeup when _scheduledWakeup[wakeup.Node] == Now:
                _scheduledWakeup[wakeup.Node] = TimeSpan.MaxValue;
                Apply(wakeup.Node, Cores[wakeup.Node].Tick(Now));
                break;
            case UpdatesArrive updates when IsDeliverable(updates.Link, updates.Epoch):
                Apply(updates.To, Cores[updates.To].ReceiveUpdates(new NeighbourId(updates.From), updates.Batch.AsSpan(), Now));
                break;
            case RequestsArrive requests when IsDeliverable(requests.Link, requests.Epoch):
                Apply(requests.To, Cores[requests.To].ReceiveSeqnoRequests(new NeighbourId(requests.From), requests.Batch.AsSpan(), Now));
                break;
            case MessageArrives message when IsDeliverable(message.Link, message.Epoch):
                MessageArrived?.Invoke(message.To, message.From, message.Message);
                break;
            case LinkDetected detected when detected.Link.Epoch == detected.Epoch:
                if (detected.Link.IsUp && !detected.Link.CoresSeeUp)
                {
                    BringUp(detected.Link);
                }
                else if (!detected.Link.IsUp && detected.Link.CoresSeeUp)
                {
                    detected.Link.CoresSeeUp = false;
                    Apply(detected.Link.A, Cores[detected.Link.A].NeighbourDown(new NeighbourId(detected.Link.B), Now));
                    Apply(detected.Link.B, Cores[detected.Link.B].NeighbourDown(new NeighbourId(detected.Link.A), Now));
                }

                break;
        }
    }

    private static bool IsDeliverable(SimulatedLink link, int epoch) => link.IsUp && link.Epoch == epoch;

    private void BringUp(SimulatedLink link)
    {
        link.CoresSeeUp = true;
        Apply(link.A, Cores[link.A].NeighbourUp(new NeighbourId(link.B), link.Cost, Now));
        Apply(link.B, Cores[link.B].NeighbourUp(new NeighbourId(link.A), link.Cost, Now));
    }

    /// <summary>Performs a core's actions: frames onto links (with loss and latency), then re-arms its wakeup.</summary>
    private void Apply(int node, IReadOnlyList<RoutingAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case SendRouteUpdates send:
                    var batch = send.Updates as RouteUpdate[] ?? [.. send.Updates];
                    var (frames, bytes) = RouteUpdateCodec.MeasureFrames(batch, _options.MaxPayload);
                    foreach (var link in Targets(node, send.To))
                    {
                        Traffic[node].UpdateFrames += frames;
                        Traffic[node].UpdateBytes += bytes;
                        Traffic[node].RouteUpdatesSent += batch.Length;
                        if (Delivered(link))
                        {
                            Enqueue(Now + link.Latency, new UpdatesArrive(link, link.Epoch, node, link.Other(node), batch));
                        }
                    }

                    break;
                case SendSeqnoRequests send:
                    var requests = send.Requests as SeqnoRequest[] ?? [.. send.Requests];
                    var requestBytes = SeqnoRequestCodec.EncodeFrames(requests, _options.MaxPayload);
                    foreach (var link in Targets(node, send.To))
                    {
                        Traffic[node].RequestFrames += requestBytes.Count;
                        Traffic[node].RequestBytes += requestBytes.Sum(frame => (long)frame.Length);
                        if (Delivered(link))
                        {
                            Enqueue(Now + link.Latency, new RequestsArrive(link, link.Epoch, node, link.Other(node), requests));
                        }
                    }

                    break;
            }
        }

        var wakeup = Cores[node].NextWakeup;
        if (wakeup < Now)
        {
            wakeup = Now;
        }

        if (wakeup < _scheduledWakeup[node])
        {
            _scheduledWakeup[node] = wakeup;
            Enqueue(wakeup, new Wakeup(node));
        }
    }

    private IEnumerable<SimulatedLink> Targets(int node, NeighbourId? to)
    {
        if (to is { } single)
        {
            if (_links.TryGetValue(Key(node, single.Value), out var link) && link.CoresSeeUp)
            {
                yield return link;
            }

            yield break;
        }

        foreach (var link in _linksOf[node])
        {
            if (link.CoresSeeUp)
            {
                yield return link;
            }
        }
    }

    private bool Delivered(SimulatedLink link) =>
        link.IsUp && (_options.LossRate <= 0 || _random.NextDouble() >= _options.LossRate);

    private void Enqueue(TimeSpan at, Event simulatedEvent) => _events.Enqueue(simulatedEvent, (at.Ticks, _order++));

    private static (int, int) Key(int a, int b) => a < b ? (a, b) : (b, a);

    private abstract record Event;

    private sealed record Wakeup(int Node) : Event;

    private sealed record UpdatesArrive(SimulatedLink Link, int Epoch, int From, int To, RouteUpdate[] Batch) : Event;

    private sealed record RequestsArrive(SimulatedLink Link, int Epoch, int From, int To, SeqnoRequest[] Batch) : Event;

    private sealed record MessageArrives(SimulatedLink Link, int Epoch, int From, int To, object Message) : Event;

    private sealed record LinkDetected(SimulatedLink Link, int Epoch) : Event;
}
