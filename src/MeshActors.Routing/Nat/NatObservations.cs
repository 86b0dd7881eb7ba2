using System.Net;
using System.Net.Sockets;
using MeshActors.Routing.Names;

namespace MeshActors.Routing.Nat;

/// <summary>
/// The endpoint each UDP neighbour reports seeing this node from (its reflection), and the NAT type they reveal
/// (<see cref="Classify"/>). One reflection per neighbour key, the newest; a neighbour whose link went away is
/// forgotten. Pure: no clock, no sockets; the caller passes its own endpoints in.
/// <para>Rule, per address family (IPv4 decides when it has a verdict, IPv6 otherwise): a reflection equal to one of
/// the node's own address and UDP port pairs is untranslated, any other is translated. Two or more translated
/// reflections that agree: endpoint-independent mapping; that differ: symmetric. No translated and two or more
/// untranslated ones: no NAT. Neighbours on the node's own LAN see it untranslated, so one reflection from beyond the
/// NAT never outvotes them into "none": a single translated reflection leaves the type unknown (but
/// <see cref="NatVerdict.BehindNat"/> true).</para>
/// </summary>
public sealed class NatObservations(int maxObservers)
{
    private readonly Dictionary<KeyBytes, IPEndPoint> _seen = [];

    /// <summary>Reflections refused because <c>maxObservers</c> neighbours already had one held.</summary>
    public long Refused { get; private set; }

    public int Count => _seen.Count;

    /// <summary>Keeps <paramref name="observer"/>'s newest reflection; true when it changed what is held.</summary>
    public bool Observe(KeyBytes observer, IPEndPoint reflected)
    {
        var normal = new IPEndPoint(Normalize(reflected.Address), reflected.Port);
        if (_seen.TryGetValue(observer, out var held))
        {
            if (held.Equals(normal))
            {
                return false;
            }
        }
        else if (_seen.Count >= maxObservers)
        {
            Refused++;
            return false;
        }

        _seen[observer] = normal;
        return true;
    }

    /// <summary>The neighbour's link is gone: its reflection no longer describes a live mapping.</summary>
    public bool Forget(KeyBytes observer) => _seen.Remove(observer);

    public NatVerdict Classify(LocalEndpoints local)
    {
        var v4 = ClassifyFamily(AddressFamily.InterNetwork, local);
        var type = v4 != NatType.Unknown ? v4 : ClassifyFamily(AddressFamily.InterNetworkV6, local);
        var translated = _seen.Values.Where(seen => !local.Contains(seen)).Distinct().Order(EndPointOrder.Instance).ToList();
        return new NatVerdict(type, translated.Count > 0, translated, _seen.Count);
    }

    /// <summary>An IPv4 address seen through a dual-stack socket (::ffff:a.b.c.d) is that IPv4 address; an IPv6
    /// address loses its scope (a reflection carries none, an interface's link-local address has one).</summary>
    public static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4()
        : address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes())
        : address;

    /// <summary>Each neighbour's held reflection.</summary>
    public IEnumerable<(KeyBytes Observer, IPEndPoint Sees)> Reflections => _seen.Select(pair => (pair.Key, pair.Value));

    private NatType ClassifyFamily(AddressFamily family, LocalEndpoints local)
    {
        var reports = _seen.Values.Where(seen => seen.AddressFamily == family).ToList();
        var translated = reports.Where(seen => !local.Contains(seen)).ToList();
        if (translated.Count >= 2)
        {
            return translated.Distinct().Count() == 1 ? NatType.EndpointIndependent : NatType.Symmetric;
        }

        return translated.Count == 0 && reports.Count >= 2 ? NatType.None : NatType.Unknown;
    }

    private sealed class EndPointOrder : IComparer<IPEndPoint>
    {
        public static readonly EndPointOrder Instance = new();

        public int Compare(IPEndPoint? x, IPEndPoint? y)
        {
            var bytes = x!.Address.GetAddressBytes().AsSpan().SequenceCompareTo(y!.Address.GetAddressBytes());
            return bytes != 0 ? bytes : x.Port.CompareTo(y.Port);
        }
    }
}
