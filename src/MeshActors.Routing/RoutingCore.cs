using MeshActors.Protocol.Counting;
using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>
/// Babel-style routing core of one node (RFC 8966 adapted). Pure and single-owner: no clock, no I/O, not
/// thread-safe. The host (RouteTable actor or simulator) calls it with events and the current monotonic time,
/// performs the returned actions, and calls <see cref="Tick"/> no later than <see cref="NextWakeup"/>.
///
/// Flow: updates → <see cref="RouteTable"/> → <see cref="RouteSelection"/> (feasibility from <see cref="SourceTable"/>)
/// → changes mark destinations dirty in <see cref="UpdateScheduler"/> → batched updates out on the next Tick;
/// starvation → <see cref="SeqnoRequests"/> → requests out at once.
/// </summary>
public sealed class RoutingCore
{
    private readonly RoutingSettings _settings;
    private readonly IPrefixOwnership _ownership;
    private readonly RouterIdTable _ids;
    private readonly int _self;
    private readonly NeighbourTable _neighbours = new();
    private readonly RouteTable _routes = new();
    private readonly SourceTable _sources = new();
    private readonly RouteSelection _selection;
    private readonly SeqnoRequests _requests;
    private readonly UpdateScheduler _scheduler;
    private readonly Advertiser _advertiser;
    private readonly ActionBuffer _actions = new();
    private readonly List<int> _locals = new();
    private readonly List<long> _scratch = new();
    private readonly List<ushort> _alternatives = new();
    private readonly Func<int, int, ushort, bool> _resendRequest;
    private readonly long _routeExpiryMs;
    private readonly long _expiryScanMs;
    private long _nextExpiryScanMs;

    /// <param name="routerIds">Interning table; pass one to share it between cores in one thread (simulators).</param>
    public RoutingCore(
        RouterId self, IPrefixOwnership ownership, RoutingSettings settings, TimeSpan now, RouterIdTable? routerIds = null)
    {
        Self = self;
        _ownership = ownership;
        _settings = settings;
        _ids = routerIds ?? new RouterIdTable();
        _self = _ids.Intern(self);
        _selection = new RouteSelection(_sources, _neighbours, settings.Metrics);
        _requests = new SeqnoRequests(settings.Timers);
        var nowMs = CoarseTime.Milliseconds(now);

        // Spread full dumps of different nodes over the interval by a phase hashed from the router id
        // (Fibonacci hashing: deterministic, unlike string/struct hash codes, and well spread for sequential ids).
        var phase = ((self.W0 ^ self.W1 ^ self.W2 ^ self.W3) * 0x9E3779B97F4A7C15UL) % (ulong)CoarseTime.Milliseconds(settings.Timers.UpdateInterval);
        _scheduler = new UpdateScheduler(settings.Timers, nowMs, (long)phase);
        _advertiser = new Advertiser(_routes, _sources, _ids, _self, _scheduler, settings.Timers, settings.Transit);
        _routeExpiryMs = CoarseTime.Milliseconds(settings.Timers.RouteExpiry);
        _expiryScanMs = CoarseTime.Milliseconds(settings.Timers.ExpiryScanInterval);
        _nextExpiryScanMs = nowMs + _expiryScanMs;
        _resendRequest = ResendRequest;
    }

    public RouterId Self { get; }

    /// <summary>The timers and policies this core runs with.</summary>
    public RoutingSettings Settings => _settings;

    public CounterSet<RoutingEvent> Counters { get; } = new();

    /// <summary>This node's sequence number for the prefixes it originates.</summary>
    public ushort OwnSeqno => _advertiser.OwnSeqno;

    /// <summary>
    /// Continues from the seqno an earlier run of this node advertised last: the next one, so neighbours that still hold
    /// the old announcement take the new one at once instead of waiting for it to expire. Call before the first
    /// <see cref="AddLocalPrefix"/>.
    /// </summary>
    public void ResumeOwnSeqno(ushort lastAdvertised) => _advertiser.OwnSeqno = Seqno.Next(lastAdvertised);

    /// <summary>Destinations with a selected route (local prefixes not counted).</summary>
    public int SelectedCount { get; private set; }

    public int DestinationCount => _routes.Count;

    public long RouteEntryCount => _routes.RouteEntryCount;

    public int NeighbourCount => _neighbours.Count;

    /// <summary>Latest time by which the host must call <see cref="Tick"/>.</summary>
    public TimeSpan NextWakeup
    {
        get
        {
            var dueMs = Math.Min(Math.Min(_scheduler.FlushAtMs, _scheduler.NextFullDumpMs), Math.Min(_nextExpiryScanMs, _requests.NextDueMs));
            return TimeSpan.FromMilliseconds(dueMs);
        }
    }

    /// <summary>Starts originating <paramref name="prefix"/> (own /64, IPv4 address, extra prefix).</summary>
    public IReadOnlyList<RoutingAction> AddLocalPrefix(RoutePrefix prefix, TimeSpan now)
    {
        var index = _routes.GetOrAdd(prefix);
        ref var destination = ref _routes.At(index);
        if (!destination.IsLocal)
        {
            destination.IsLocal = true;
            _locals.Add(index);
            if (destination.HasSelection)
            {
                destination.Selected = NeighbourTable.None;
                SelectedCount--;
                _actions.Add(new SelectedRouteChanged(prefix, null, 0));
            }

            _scheduler.MarkDirty(ref destination, index, CoarseTime.Milliseconds(now));
        }

        return _actions.Drain();
    }

    /// <summary>Stops originating <paramref name="prefix"/>: retracts it, or falls back to another originator's route.</summary>
    public IReadOnlyList<RoutingAction> RemoveLocalPrefix(RoutePrefix prefix, TimeSpan now)
    {
        var nowMs = CoarseTime.Milliseconds(now);
        if (_routes.TryFind(prefix, out var index) && _routes.At(index).IsLocal)
        {
            ref var destination = ref _routes.At(index);
            destination.IsLocal = false;
            _locals.Remove(index);
            _scheduler.MarkDirty(ref destination, index, nowMs);
            Reselect(index, nowMs);
        }

        return Finish(nowMs);
    }

    /// <summary>A link came up (or its cost was first measured): learn its cost and send it the full table.</summary>
    public IReadOnlyList<RoutingAction> NeighbourUp(NeighbourId neighbour, ushort cost, TimeSpan now)
    {
        if (_neighbours.TryGetIndex(neighbour, out _))
        {
            return LinkCostChanged(neighbour, cost, now);
        }

        _neighbours.Add(neighbour, Math.Max((ushort)1, cost));
        var dump = _advertiser.CollectAdvertisements(CoarseTime.Milliseconds(now));
        if (dump.Count > 0)
        {
            _actions.Add(new SendRouteUpdates(neighbour, dump));
        }

        return _actions.Drain();
    }

    /// <summary>The link is dead: routes through it are dropped and destinations re-selected (retracted if starved).</summary>
    public IReadOnlyList<RoutingAction> NeighbourDown(NeighbourId neighbour, TimeSpan now)
    {
        if (!_neighbours.TryGetIndex(neighbour, out var index))
        {
            return _actions.Drain();
        }

        var nowMs = CoarseTime.Milliseconds(now);
        for (var d = 0; d < _routes.Count; d++)
        {
            if (_routes.Remove(d, index))
            {
                Reselect(d, nowMs);
            }
        }

        _neighbours.Remove(neighbour);
        return Finish(nowMs);
    }

    /// <summary>
    /// New link cost from the link's smoothed RTT (see <see cref="LinkCost.FromRtt"/>). Changes below
    /// <see cref="MetricPolicy.MinCostChange"/> and <see cref="MetricPolicy.MinCostChangeRatio"/> are ignored.
    /// </summary>
    public IReadOnlyList<RoutingAction> LinkCostChanged(NeighbourId neighbour, ushort cost, TimeSpan now)
    {
        if (!_neighbours.TryGetIndex(neighbour, out var index))
        {
            return _actions.Drain();
        }

        cost = Math.Max((ushort)1, cost);
        var current = _neighbours.CostAt(index);
        var threshold = Math.Max(_settings.Metrics.MinCostChange, current * _settings.Metrics.MinCostChangeRatio);
        if (Math.Abs(cost - current) < threshold)
        {
            return _actions.Drain();
        }

        _neighbours.SetCost(index, cost);
        var nowMs = CoarseTime.Milliseconds(now);
        for (var d = 0; d < _routes.Count; d++)
        {
            if (_routes.At(d).FindRoute(index) >= 0)
            {
                Reselect(d, nowMs);
            }
        }

        return Finish(nowMs);
    }

    /// <summary>A batch of route updates arrived from <paramref name="from"/>.</summary>
    public IReadOnlyList<RoutingAction> ReceiveUpdates(NeighbourId from, ReadOnlySpan<RouteUpdate> updates, TimeSpan now)
    {
        if (!_neighbours.TryGetIndex(from, out var neighbour))
        {
            Counters.Add(RoutingEvent.UpdatesFromUnknownNeighbour, updates.Length);
            return _actions.Drain();
        }

        var nowMs = CoarseTime.Milliseconds(now);
        var expiresAt = CoarseTime.FromMilliseconds(nowMs + _routeExpiryMs);
        foreach (ref readonly var update in updates)
        {
            Counters.Increment(RoutingEvent.UpdatesReceived);
            if (update.Originator == Self)
            {
                OnOwnRouteEchoed(update, nowMs);
                continue;
            }

            if (update.IsRetraction)
            {
                if (_routes.TryFind(update.Prefix, out var retracted) && _routes.Remove(retracted, neighbour))
                {
                    Reselect(retracted, nowMs);
                }

                continue;
            }

            if (!_ownership.MayOriginate(update.Originator, update.Prefix))
            {
                Counters.Increment(RoutingEvent.HijacksDropped);
                continue;
            }

            if (!TryAdmit(update, out var index, out var originator))
            {
                Counters.Increment(RoutingEvent.UpdatesOverTableLimit);
                continue;
            }

            if (!_sources.IsFeasible(index, originator, update.Seqno, update.Metric))
            {
                Counters.Increment(RoutingEvent.UnfeasibleUpdates);
            }

            _routes.Upsert(index, new RouteEntry
            {
                Originator = originator,
                Neighbour = neighbour,
                AdvertisedMetric = update.Metric,
                Seqno = update.Seqno,
                ExpiresAt = expiresAt,
            });
            Reselect(index, nowMs);
        }

        return Finish(nowMs);
    }

    /// <summary>The destination and originator indexes of an update, adding either only while the table has room.</summary>
    private bool TryAdmit(in RouteUpdate update, out int destination, out int originator)
    {
        var knownOriginator = _ids.TryGetIndex(update.Originator, out originator);
        var knownDestination = _routes.TryFind(update.Prefix, out destination);
        if ((!knownOriginator && _ids.Count >= _settings.MaxDestinations)
            || (!knownDestination && _routes.Count >= _settings.MaxDestinations))
        {
            return false;
        }

        originator = knownOriginator ? originator : _ids.Intern(update.Originator);
        destination = knownDestination ? destination : _routes.GetOrAdd(update.Prefix);
        return true;
    }

    /// <summary>
    /// Seqno requests from <paramref name="from"/>: the originator raises its seqno; a node whose route is new
    /// enough answers; others forward toward the originator along their selected route (never back to the sender).
    /// </summary>
    public IReadOnlyList<RoutingAction> ReceiveSeqnoRequests(NeighbourId from, ReadOnlySpan<SeqnoRequest> requests, TimeSpan now)
    {
        if (!_neighbours.TryGetIndex(from, out var sender))
        {
            return _actions.Drain();
        }

        var nowMs = CoarseTime.Milliseconds(now);
        List<RouteUpdate>? answers = null;
        foreach (ref readonly var request in requests)
        {
            Counters.Increment(RoutingEvent.SeqnoRequestsReceived);
            if (!_routes.TryFind(request.Prefix, out var index))
            {
                continue;
            }

            ref var destination = ref _routes.At(index);
            if (destination.IsLocal)
            {
                if (request.Originator == Self && Seqno.IsNewer(request.Seqno, _advertiser.OwnSeqno))
                {
                    _advertiser.OwnSeqno = request.Seqno;
                    Counters.Increment(RoutingEvent.OwnSeqnoBumps);
                    MarkLocalsDirty(nowMs);
                }
                else
                {
                    (answers ??= new List<RouteUpdate>()).Add(_advertiser.Advertise(index, ref destination, nowMs));
                }

                continue;
            }

            if (!destination.HasSelection || !_settings.Transit)
            {
                continue;
            }

            ref readonly var route = ref destination.Routes![destination.FindRoute(destination.Selected)];
            if (_ids[route.Originator] == request.Originator && Seqno.IsAtLeast(route.Seqno, request.Seqno))
            {
                (answers ??= new List<RouteUpdate>()).Add(_advertiser.Advertise(index, ref destination, nowMs));
            }
            else if (request.HopCount > 1 && route.Neighbour != sender
                && _requests.TryBegin(index, route.Originator, request.Seqno, own: false, nowMs))
            {
                Counters.Increment(RoutingEvent.SeqnoRequestsForwarded);
                var forwarded = request with { HopCount = (byte)(request.HopCount - 1) };
                _actions.Add(new SendSeqnoRequests(_neighbours.IdAt(route.Neighbour), [forwarded]));
            }
        }

        if (answers is not null)
        {
            _actions.Add(new SendRouteUpdates(from, answers));
        }

        return Finish(nowMs);
    }

    /// <summary>Timers: triggered batch, full dump, expiry sweep, request resends. Call at <see cref="NextWakeup"/>.</summary>
    public IReadOnlyList<RoutingAction> Tick(TimeSpan now)
    {
        var nowMs = CoarseTime.Milliseconds(now);
        if (nowMs >= _nextExpiryScanMs)
        {
            ExpireRoutesAndSources(nowMs);
            _nextExpiryScanMs = nowMs + _expiryScanMs;
        }

        if (nowMs >= _scheduler.NextFullDumpMs)
        {
            _advertiser.FoldTriggeredIntoDump(nowMs);
            var dump = _advertiser.CollectAdvertisements(nowMs);
            if (dump.Count > 0)
            {
                _actions.Add(new SendRouteUpdates(null, dump));
            }

            _scheduler.FullDumpDone(nowMs);
        }
        else if (nowMs >= _scheduler.FlushAtMs)
        {
            SendTriggered(nowMs);
        }

        _requests.Service(nowMs, _settings.Timers.SeqnoRequestRetries, _resendRequest);
        return _actions.Drain();
    }

    public bool TryGetSelectedRoute(RoutePrefix prefix, out SelectedRoute selected)
    {
        selected = default;
        if (!_routes.TryFind(prefix, out var index) || !_routes.At(index).HasSelection)
        {
            return false;
        }

        selected = Describe(ref _routes.At(index));
        return true;
    }

    public List<SelectedRoute> GetSelectedRoutes()
    {
        var result = new List<SelectedRoute>(SelectedCount);
        for (var d = 0; d < _routes.Count; d++)
        {
            if (_routes.At(d).HasSelection)
            {
                result.Add(Describe(ref _routes.At(d)));
            }
        }

        return result;
    }

    /// <summary>Usable (feasible, reachable) routes that are not selected: what a reroute would fall back on.</summary>
    public List<SelectedRoute> GetFallbackRoutes()
    {
        var result = new List<SelectedRoute>();
        for (var d = 0; d < _routes.Count; d++)
        {
            ref var destination = ref _routes.At(d);
            for (var i = 0; i < destination.RouteCount; i++)
            {
                ref readonly var route = ref destination.Routes![i];
                if (route.Neighbour != destination.Selected && _selection.IsUsable(d, route))
                {
                    result.Add(new SelectedRoute(
                        destination.Prefix, _neighbours.IdAt(route.Neighbour), _selection.TotalMetric(route), _ids[route.Originator], route.Seqno));
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Other originators this node hears announce <paramref name="prefix"/> (selected or not): how a node finds another
    /// holding the same IPv4 address. Empty when only this node originates it or nobody does.
    /// </summary>
    public List<RouterId> OtherOriginatorsOf(RoutePrefix prefix)
    {
        var result = new List<RouterId>();
        if (!_routes.TryFind(prefix, out var index))
        {
            return result;
        }

        ref var destination = ref _routes.At(index);
        for (var i = 0; i < destination.RouteCount; i++)
        {
            var originator = _ids[destination.Routes![i].Originator];
            if (originator != Self && !result.Contains(originator))
            {
                result.Add(originator);
            }
        }

        return result;
    }

    /// <summary>Seqno requests in flight: (prefix, originator asked, seqno wanted).</summary>
    public List<(RoutePrefix Prefix, RouterId Originator, ushort Seqno)> GetQueriedRoutes() =>
        [.. _requests.InFlight.Select(p => (_routes.At(p.Destination).Prefix, _ids[p.Originator], p.Seqno))];

    /// <summary>
    /// Fills <paramref name="nextHops"/> with the selected next hop of <paramref name="prefix"/> followed by its
    /// equal-cost alternatives; false (and empty) when the prefix has no selected route.
    /// </summary>
    public bool TryGetNextHops(RoutePrefix prefix, List<NeighbourId> nextHops)
    {
        nextHops.Clear();
        if (!_routes.TryFind(prefix, out var index) || !_routes.At(index).HasSelection)
        {
            return false;
        }

        AppendNextHops(index, nextHops);
        return true;
    }

    /// <summary>Immutable longest-prefix-match view of the selected routes for the data plane.</summary>
    public ForwardingSnapshot BuildForwardingSnapshot()
    {
        var entries = new List<ForwardingEntry>(SelectedCount);
        var hops = new List<NeighbourId>();
        for (var d = 0; d < _routes.Count; d++)
        {
            ref var destination = ref _routes.At(d);
            if (destination.HasSelection)
            {
                hops.Clear();
                AppendNextHops(d, hops);
                entries.Add(new ForwardingEntry(destination.Prefix, destination.SelectedMetric, hops.ToArray(), Describe(ref destination).Originator));
            }
        }

        return ForwardingSnapshot.Build(entries);
    }

    /// <summary>
    /// Ends a call: urgent updates (retractions, seqno increases) leave in this call's actions, ahead of any seqno
    /// request, so a neighbour learns of a retraction before it is asked to forward a request through us.
    /// </summary>
    private IReadOnlyList<RoutingAction> Finish(long nowMs)
    {
        if (_scheduler.FlushAtMs <= nowMs)
        {
            SendTriggered(nowMs);
        }

        return _actions.Drain();
    }

    private void SendTriggered(long nowMs)
    {
        var batch = _advertiser.FlushTriggered(nowMs);
        if (batch.Count > 0)
        {
            _actions.Add(new SendRouteUpdates(null, batch));
        }
    }

    private void AppendNextHops(int index, List<NeighbourId> nextHops)
    {
        ref var destination = ref _routes.At(index);
        nextHops.Add(_neighbours.IdAt(destination.Selected));
        _selection.EqualCostAlternatives(index, destination, destination.SelectedMetric, _alternatives);
        foreach (var alternative in _alternatives)
        {
            nextHops.Add(_neighbours.IdAt(alternative));
        }
    }

    private SelectedRoute Describe(ref Destination destination)
    {
        ref readonly var route = ref destination.Routes![destination.FindRoute(destination.Selected)];
        return new SelectedRoute(
            destination.Prefix, _neighbours.IdAt(destination.Selected), destination.SelectedMetric, _ids[route.Originator], route.Seqno);
    }

    /// <summary>Runs selection for one destination and turns its outcome into actions.</summary>
    private void Reselect(int index, long nowMs)
    {
        ref var destination = ref _routes.At(index);
        if (destination.IsLocal)
        {
            return;
        }

        var hadSelection = destination.HasSelection;
        var position = _selection.Choose(index, destination);
        if (position >= 0)
        {
            ref readonly var route = ref destination.Routes![position];
            var metric = _selection.TotalMetric(route);
            if (route.Neighbour != destination.Selected || metric != destination.SelectedMetric)
            {
                destination.Selected = route.Neighbour;
                destination.SelectedMetric = metric;
                SelectedCount += hadSelection ? 0 : 1;
                _actions.Add(new SelectedRouteChanged(destination.Prefix, _neighbours.IdAt(route.Neighbour), metric));
            }

            destination.LastOriginator = route.Originator;

            // Urgent: a raised seqno, or a route back after a retraction; both end someone's starvation.
            var recovered = destination.RetractedUntil != 0;
            destination.RetractedUntil = 0;
            var seqnoRaised = destination.AdvertisedOriginator == route.Originator && destination.AdvertisedSeqno != route.Seqno;
            if (seqnoRaised || recovered || destination.AdvertisedOriginator != route.Originator
                || Math.Abs(metric - destination.AdvertisedMetric) >= _settings.Metrics.TriggerDelta)
            {
                _scheduler.MarkDirty(ref destination, index, nowMs, urgent: seqnoRaised || recovered);
            }

            return;
        }

        if (hadSelection)
        {
            destination.Selected = NeighbourTable.None;
            destination.SelectedMetric = RouteMetric.Infinity;
            SelectedCount--;
            _actions.Add(new SelectedRouteChanged(destination.Prefix, null, RouteMetric.Infinity));
        }

        if (destination.AdvertisedOriginator != Destination.NotAdvertised)
        {
            _scheduler.MarkDirty(ref destination, index, nowMs, urgent: true);
        }

        if (hadSelection || destination.RouteCount > 0)
        {
            RequestNewSeqno(index, ref destination, nowMs);
        }
    }

    /// <summary>
    /// Starvation: ask every neighbour for a seqno newer than our feasibility distance, which makes the
    /// originator's next update feasible everywhere (RFC 8966 section 3.8.2.1).
    /// </summary>
    private void RequestNewSeqno(int index, ref Destination destination, long nowMs)
    {
        var originator = destination.LastOriginator != Destination.NotAdvertised || destination.RouteCount == 0
            ? destination.LastOriginator
            : destination.Routes![0].Originator;
        if (originator == Destination.NotAdvertised || !_sources.TryGet(index, originator, out var seqno, out _))
        {
            // No feasibility distance for this source: any update from it is feasible, nothing to ask for.
            return;
        }

        var wanted = Seqno.Next(seqno);
        if (_requests.TryBegin(index, originator, wanted, own: true, nowMs))
        {
            Counters.Increment(RoutingEvent.SeqnoRequestsSent);
            _actions.BroadcastRequest(new SeqnoRequest(destination.Prefix, _ids[originator], wanted, _settings.SeqnoRequestHopCount));
        }
    }

    private bool ResendRequest(int index, int originator, ushort seqno)
    {
        ref var destination = ref _routes.At(index);
        if (destination.IsLocal || destination.HasSelection)
        {
            return false;
        }

        Counters.Increment(RoutingEvent.SeqnoRequestsSent);
        _actions.BroadcastRequest(new SeqnoRequest(destination.Prefix, _ids[originator], seqno, _settings.SeqnoRequestHopCount));
        return true;
    }

    /// <summary>A neighbour relays our own prefix back: if it carries a seqno newer than ours (we restarted), jump past it.</summary>
    private void OnOwnRouteEchoed(in RouteUpdate update, long nowMs)
    {
        if (_routes.TryFind(update.Prefix, out var index) && _routes.At(index).IsLocal && Seqno.IsNewer(update.Seqno, _advertiser.OwnSeqno))
        {
            _advertiser.OwnSeqno = Seqno.Next(update.Seqno);
            Counters.Increment(RoutingEvent.OwnSeqnoBumps);
            MarkLocalsDirty(nowMs);
        }
    }

    private void MarkLocalsDirty(long nowMs)
    {
        foreach (var local in _locals)
        {
            _scheduler.MarkDirty(ref _routes.At(local), local, nowMs, urgent: true);
        }
    }

    private void ExpireRoutesAndSources(long nowMs)
    {
        var now = CoarseTime.FromMilliseconds(nowMs);
        for (var d = 0; d < _routes.Count; d++)
        {
            ref var destination = ref _routes.At(d);
            var expired = false;
            for (var i = destination.RouteCount - 1; i >= 0; i--)
            {
                if (destination.Routes![i].ExpiresAt <= now)
                {
                    _routes.RemoveAt(ref destination, i);
                    Counters.Increment(RoutingEvent.RoutesExpired);
                    expired = true;
                }
            }

            if (expired)
            {
                Reselect(d, nowMs);
            }
        }

        _sources.CollectGarbage(now, _scratch);
    }
}
