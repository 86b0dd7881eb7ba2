using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MeshActors.Protocol.Nat;

public enum PunchSignalKind : byte
{
    /// <summary>The node that wants a direct link offers its candidates and a fresh token.</summary>
    Offer = 1,

    /// <summary>The peer answers with its own candidates and the offer's token; both then punch.</summary>
    Answer = 2,
}

public enum CandidateKind : byte
{
    /// <summary>An address of the node's own interfaces with its UDP port (reachable on a shared LAN).</summary>
    Local = 1,

    /// <summary>An endpoint a neighbour reports seeing the node from (its NAT's mapping).</summary>
    Reflexive = 2,

    /// <summary>A global IPv6 address of the node's own interfaces with its UDP port (no NAT in IPv6 as a rule).</summary>
    Global = 3,
}

public sealed record PunchCandidate(CandidateKind Kind, IPEndPoint EndPoint);

/// <summary>An offer or answer of candidate endpoints; <paramref name="NatType"/> is the sender's NAT type (0 unknown,
/// 1 none, 2 endpoint-independent, 3 symmetric).</summary>
public sealed record PunchSignal(PunchSignalKind Kind, byte NatType, UInt128 Token, IReadOnlyList<PunchCandidate> Candidates);

/// <summary>
/// The bus payload two nodes exchange, sealed end to end, before they punch (PROTOCOL.md §8). Decoding never throws.
/// </summary>
public static class PunchSignalCodec
{
    public const byte Version = 1;

    /// <summary>Version, kind, NAT type, candidate count, token.</summary>
    public const int FixedSize = 4 + 16;

    /// <summary>Most candidates in one signal: a node with more addresses sends its first 16 (bounds the punch fan-out).</summary>
    public const int MaxCandidates = 16;

    public const byte MaxNatType = 3;

    /// <summary>The bus topic the node keeps for itself: messages with it never reach the inbox.</summary>
    public static ReadOnlySpan<byte> Topic => "\0meshactors/nat/v1"u8;

    public static byte[] Encode(PunchSignal signal)
    {
        if (signal.Candidates.Count is 0 or > MaxCandidates || signal.NatType > MaxNatType)
        {
            throw new ArgumentException($"a punch signal carries 1..{MaxCandidates} candidates and a NAT type 0..{MaxNatType}", nameof(signal));
        }

        var candidates = signal.Candidates.Select(c => (c.Kind, Address: Normal(c.EndPoint.Address), c.EndPoint.Port)).ToList();
        var payload = new byte[FixedSize + candidates.Sum(c => 4 + (c.Address.AddressFamily == AddressFamily.InterNetwork ? 4 : 16))];
        payload[0] = Version;
        payload[1] = (byte)signal.Kind;
        payload[2] = signal.NatType;
        payload[3] = (byte)candidates.Count;
        BinaryPrimitives.WriteUInt128BigEndian(payload.AsSpan(4), signal.Token);
        var at = FixedSize;
        foreach (var (kind, address, port) in candidates)
        {
            var isV4 = address.AddressFamily == AddressFamily.InterNetwork;
            payload[at] = (byte)kind;
            payload[at + 1] = isV4 ? (byte)4 : (byte)6;
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(at + 2), (ushort)port);
            address.TryWriteBytes(payload.AsSpan(at + 4), out var written);
            at += 4 + written;
        }

        return payload;
    }

    public static bool TryDecode(ReadOnlySpan<byte> payload, out PunchSignal? signal)
    {
        signal = null;
        if (payload.Length < FixedSize || payload[0] != Version || payload[1] is not ((byte)PunchSignalKind.Offer or (byte)PunchSignalKind.Answer)
            || payload[2] > MaxNatType || payload[3] is 0 or > MaxCandidates)
        {
            return false;
        }

        var candidates = new List<PunchCandidate>(payload[3]);
        var at = FixedSize;
        for (var i = 0; i < payload[3]; i++)
        {
            if (payload.Length < at + 4 || payload[at] is < (byte)CandidateKind.Local or > (byte)CandidateKind.Global)
            {
                return false;
            }

            var size = payload[at + 1] switch
            {
                4 => 4,
                6 => 16,
                _ => -1,
            };
            var port = BinaryPrimitives.ReadUInt16BigEndian(payload[(at + 2)..]);
            if (size < 0 || port == 0 || payload.Length < at + 4 + size)
            {
                return false;
            }

            candidates.Add(new PunchCandidate((CandidateKind)payload[at], new IPEndPoint(new IPAddress(payload.Slice(at + 4, size)), port)));
            at += 4 + size;
        }

        if (at != payload.Length)
        {
            return false;
        }

        signal = new PunchSignal((PunchSignalKind)payload[1], payload[2], BinaryPrimitives.ReadUInt128BigEndian(payload[4..]), candidates);
        return true;
    }

    private static IPAddress Normal(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address.AddressFamily == AddressFamily.InterNetworkV6 ? new IPAddress(address.GetAddressBytes()) : address;
}
