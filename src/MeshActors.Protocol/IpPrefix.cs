using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace MeshActors.Protocol;

/// <summary>
/// An IPv4 or IPv6 prefix (address + length) with the host bits cleared. Immutable value; parses and prints
/// CIDR notation ("fd6d::/16", "10.1.0.0/16").
/// </summary>
public readonly record struct IpPrefix
{
    private IpPrefix(IPAddress network, int length)
    {
        Network = network;
        Length = length;
    }

    public IPAddress Network { get; }

    public int Length { get; }

    public AddressFamily Family => Network.AddressFamily;

    public int MaxLength => Family == AddressFamily.InterNetworkV6 ? 128 : 32;

    public static IpPrefix Create(IPAddress address, int length)
    {
        var max = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException("only IPv4 and IPv6 prefixes exist", nameof(address));
        }

        if (length < 0 || length > max)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"prefix length must be 0..{max}");
        }

        var bytes = address.GetAddressBytes();
        ClearHostBits(bytes, length);
        return new IpPrefix(new IPAddress(bytes), length);
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out IpPrefix prefix)
    {
        prefix = default;
        if (text is null)
        {
            return false;
        }

        var slash = text.IndexOf('/');
        if (slash <= 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out var length))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 ? address.ScopeId != 0 : address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false; // a zone-scoped IPv6 address ("fe80::1%eth0") names no prefix
        }

        var max = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        if (length > max)
        {
            return false;
        }

        prefix = Create(address, length);
        return true;
    }

    public static IpPrefix Parse(string text) =>
        TryParse(text, out var prefix) ? prefix : throw new FormatException($"'{text}' is not a CIDR prefix");

    /// <summary>True when <paramref name="address"/> lies inside this prefix.</summary>
    public bool Contains(IPAddress address)
    {
        if (address.AddressFamily != Family)
        {
            return false;
        }

        Span<byte> candidate = stackalloc byte[16];
        address.TryWriteBytes(candidate, out var written);
        Span<byte> network = stackalloc byte[16];
        Network.TryWriteBytes(network, out _);
        ClearHostBits(candidate[..written], Length);
        return candidate[..written].SequenceEqual(network[..written]);
    }

    /// <summary>True when <paramref name="other"/> is equal to or more specific than this prefix.</summary>
    public bool Covers(IpPrefix other) => other.Family == Family && other.Length >= Length && Contains(other.Network);

    public override string ToString() => Network is null ? "" : $"{Network}/{Length}";

    private static void ClearHostBits(Span<byte> bytes, int length)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            var bitsInByte = Math.Clamp(length - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xff << (8 - bitsInByte));
        }
    }
}
