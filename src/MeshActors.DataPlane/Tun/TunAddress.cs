using System.Net;
using System.Net.Sockets;

namespace MeshActors.DataPlane.Tun;

/// <summary>
/// An address assigned to the TUN interface together with its on-link prefix length ("10.220.0.1/32",
/// "fd6d:1:2:3::1/64"). Unlike <see cref="MeshActors.Protocol.IpPrefix"/> the host bits are kept.
/// </summary>
public readonly record struct TunAddress
{
    public TunAddress(IPAddress address, int prefixLength)
    {
        var max = address.AddressFamily switch
        {
            AddressFamily.InterNetwork => 32,
            AddressFamily.InterNetworkV6 => 128,
            _ => throw new ArgumentException("only IPv4 and IPv6 addresses can be assigned", nameof(address)),
        };
        if (prefixLength < 0 || prefixLength > max)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), $"prefix length must be 0..{max}");
        }

        Address = address;
        PrefixLength = prefixLength;
    }

    public IPAddress Address { get; }

    public int PrefixLength { get; }

    public bool IsIPv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>Parses "address/length"; a bare address gets the full length (/32 or /128).</summary>
    public static TunAddress Parse(string text)
    {
        var slash = text.IndexOf('/');
        var address = IPAddress.Parse(slash < 0 ? text : text[..slash]);
        var max = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        var length = slash < 0 ? max : int.Parse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null);
        return new TunAddress(address, length);
    }

    public override string ToString() => $"{Address}/{PrefixLength}";
}
