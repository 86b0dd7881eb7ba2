using System.Net;

namespace MeshActors.Routing.Tests.Nat;

public enum NatBehaviour
{
    /// <summary>A host on a public address (its port as it is, no filter).</summary>
    None,

    /// <summary>Linux MASQUERADE: one mapping per inner endpoint, the source port kept when free.</summary>
    Cone,

    /// <summary>MASQUERADE --random-fully: a random port per (inner endpoint, destination).</summary>
    Symmetric,
}

/// <summary>
/// A home router as the namespace lab builds it: MASQUERADE (cone) or MASQUERADE --random-fully (symmetric), and a
/// conntrack filter that lets in only replies from the exact address and port a mapping was opened towards (the lab's
/// "drop NEW on the WAN" rule).
/// </summary>
internal sealed class NatBox(NatBehaviour behaviour, IPAddress publicAddress, Random random)
{
    private readonly Dictionary<(IPEndPoint Inner, IPEndPoint? Destination), int> _mappings = [];
    private readonly Dictionary<int, IPEndPoint> _inner = [];
    private readonly HashSet<(int Port, IPEndPoint Remote)> _replies = [];

    public IPAddress PublicAddress { get; } = publicAddress;

    public NatBehaviour Behaviour { get; } = behaviour;

    /// <summary>The source endpoint a datagram from <paramref name="inner"/> to <paramref name="destination"/> leaves
    /// with; null when the router has no port left for a new mapping (the datagram is dropped, as conntrack does).</summary>
    public IPEndPoint? Outbound(IPEndPoint inner, IPEndPoint destination)
    {
        if (Behaviour == NatBehaviour.None)
        {
            _inner[inner.Port] = inner;
            return new IPEndPoint(PublicAddress, inner.Port);
        }

        var key = (inner, Behaviour == NatBehaviour.Symmetric ? destination : null);
        if (!_mappings.TryGetValue(key, out var port))
        {
            if (_inner.Count >= 65_536 - 1024)
            {
                return null;
            }

            port = Behaviour == NatBehaviour.Cone && !_inner.ContainsKey(inner.Port) ? inner.Port : FreePort();
            _mappings[key] = port;
            _inner[port] = inner;
        }

        _replies.Add((port, destination));
        return new IPEndPoint(PublicAddress, port);
    }

    /// <summary>Where a datagram from <paramref name="from"/> to the public <paramref name="port"/> goes; null when dropped.</summary>
    public IPEndPoint? Inbound(IPEndPoint from, int port) =>
        Behaviour == NatBehaviour.None ? _inner.GetValueOrDefault(port)
        : _replies.Contains((port, from)) ? _inner[port]
        : null;

    private int FreePort()
    {
        int port;
        do
        {
            port = random.Next(1024, 65536);
        }
        while (_inner.ContainsKey(port));
        return port;
    }
}
