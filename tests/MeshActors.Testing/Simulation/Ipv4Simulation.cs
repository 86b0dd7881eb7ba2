using System.Security.Cryptography;
using MeshActors.Protocol.Names;
using MeshActors.Protocol.Routing;
using MeshActors.Routing.Ipv4;
using MeshActors.Routing.Names;

namespace MeshActors.Testing.Simulation;

/// <summary>
/// Automatic IPv4 addresses on top of the <see cref="NetworkSimulator"/>: every node takes its key's address in one
/// <see cref="Ipv4Network"/>, originates it as a /32, floods a name record saying so (the real
/// <see cref="NameRegistry"/> de-duplicates the flood), and every <see cref="CheckInterval"/> looks for other holders
/// in its records and its route table, as a node's IPv4 actor does. Signatures are not simulated (records carry a
/// unique stand-in and the registry's check always passes); their checks have tests of their own.
/// </summary>
public sealed class Ipv4Simulation
{
    /// <summary>How often each node looks for conflicts (the node's <c>ipv4.conflict-check-interval</c> default).</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long an originator may go without a record before it counts as configured.</summary>
    private static readonly TimeSpan RecordGrace = TimeSpan.FromSeconds(10);

    /// <summary>Unix time the virtual clock starts at, ms: records need positive, growing timestamps.</summary>
    private const long EpochMs = 1_700_000_000_000;

    private const uint RecordLifetimeSeconds = 3600;

    private readonly byte[][] _keys;
    private readonly Dictionary<RouterId, int> _nodeOf = [];
    private readonly Ipv4AutoAddress[] _auto;
    private readonly NameRegistry[] _registries;
    private readonly UnannouncedOriginators[] _unannounced;
    private readonly long[] _lastIssued;
    private TimeSpan _nextCheck;

    public Ipv4Simulation(NetworkSimulator simulator, Ipv4Network network, byte[][] keys)
    {
        Simulator = simulator;
        _keys = keys;
        _auto = new Ipv4AutoAddress[keys.Length];
        _registries = new NameRegistry[keys.Length];
        _lastIssued = new long[keys.Length];
        _unannounced = new UnannouncedOriginators[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            _nodeOf[SimulatedIdentity.RouterIdOf(i)] = i;
            _auto[i] = new Ipv4AutoAddress(network, keys[i]);
            _registries[i] = new NameRegistry(_ => true, NameRegistrySettings.Default, NowMs);
            _unannounced[i] = new UnannouncedOriginators(RecordGrace);
        }

        simulator.MessageArrived = OnRecord;
    }

    public NetworkSimulator Simulator { get; }

    public IReadOnlyList<Ipv4AutoAddress> Addresses => _auto;

    /// <summary>Records dropped as flood copies, over all nodes.</summary>
    public long Duplicates => _registries.Sum(r => r.Counts[NameOutcome.Duplicate]);

    private long NowMs => EpochMs + (long)Simulator.Now.TotalMilliseconds;

    /// <summary>Every node originates its subnet and its address and announces its record; links come up.</summary>
    public void Start()
    {
        Simulator.Start();
        for (var i = 0; i < _keys.Length; i++)
        {
            Simulator.Originate(i, HostRoute(_auto[i].Address));
            Announce(i);
        }

        _nextCheck = Simulator.Now + CheckInterval;
    }

    /// <summary>Runs until every address is distinct and every node routes every address to its holder.</summary>
    public bool RunUntilSettled(TimeSpan limit) =>
        Simulator.RunUntil(Settled, limit, TimeSpan.FromMilliseconds(500));

    /// <summary>Addresses all distinct, and each node's route table agrees on who holds every other address.</summary>
    public bool Settled()
    {
        CheckDue();
        if (_auto.Select(a => a.Address).Distinct().Count() != _auto.Length)
        {
            return false;
        }

        for (var node = 0; node < _keys.Length; node++)
        {
            for (var other = 0; other < _keys.Length; other++)
            {
                if (other != node && (!Simulator.Cores[node].TryGetSelectedRoute(HostRoute(_auto[other].Address), out var route)
                    || route.Originator != SimulatedIdentity.RouterIdOf(other)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private void CheckDue()
    {
        while (Simulator.Now >= _nextCheck)
        {
            for (var i = 0; i < _keys.Length; i++)
            {
                Check(i);
            }

            _nextCheck += CheckInterval;
        }
    }

    private void Check(int node)
    {
        var auto = _auto[node];
        var records = _registries[node].Claims().Select(c => c.Record).ToList();
        var originators = Simulator.Cores[node].OtherOriginatorsOf(HostRoute(auto.Address)).Select(id => _keys[_nodeOf[id]]);
        var holders = Ipv4Conflicts.Holders(auto.Address, _keys[node], records, originators, _unannounced[node], NowMs);
        if (holders.Count == 0)
        {
            return;
        }

        var routed = Simulator.Cores[node].GetSelectedRoutes()
            .Select(r => Ipv4Network.AddressOf(r.Prefix))
            .OfType<uint>();
        var taken = Ipv4Conflicts.Taken(_keys[node], records, routed);
        var old = auto.Address;
        if (auto.Resolve(holders, taken.Contains))
        {
            Simulator.Withdraw(node, HostRoute(old));
            Simulator.Originate(node, HostRoute(auto.Address));
            Announce(node);
        }
    }

    private void Announce(int node)
    {
        var issued = _lastIssued[node] = Math.Max(_lastIssued[node] + 1, NowMs);
        var standIn = SHA512.HashData([.. _keys[node], .. BitConverter.GetBytes(issued)]);
        var record = new NameRecord(_keys[node], "", issued, 0, RecordLifetimeSeconds, NameRecordFlags.Ipv4Auto, _auto[node].Address, standIn);
        _registries[node].Offer(record, NowMs);
        Simulator.SendToNeighbours(node, record);
    }

    private void OnRecord(int node, int from, object message)
    {
        if (message is NameRecord record && _registries[node].Offer(record, NowMs) == NameOutcome.Accepted)
        {
            Simulator.SendToNeighbours(node, record, except: from);
        }
    }

    private static RoutePrefix HostRoute(uint address) => Ipv4Network.HostRoute(address);
}
