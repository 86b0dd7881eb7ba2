using System.Buffers.Binary;
using MeshActors.Crypto;
using MeshActors.Protocol;

namespace MeshActors.DataPlane.Forwarding;

/// <summary>
/// One node serving an exit prefix, as the forwarder uses it: its key (the end-to-end peer), its overlay address
/// (where packets for the prefix are addressed, so relays carry them to this exit and no other), its hash seed for
/// flow placement, and how many packets this node has sent through it.
/// </summary>
public sealed class Exit
{
    private long _packets;

    public Exit(PublicIdentity key, IpPrefix overlayPrefix)
    {
        Key = key;
        Address = OverlayAddressing.DeriveAddress(key, overlayPrefix).GetAddressBytes();
        Seed = BinaryPrimitives.ReadUInt64BigEndian(key.Bytes);
    }

    public PublicIdentity Key { get; }

    /// <summary>The exit's overlay IPv6 address (16 bytes): the data header's destination for its flows.</summary>
    public byte[] Address { get; }

    /// <summary>Mixed with a flow's hash to score this exit (rendezvous hashing); from the key, so every node agrees.</summary>
    public ulong Seed { get; }

    /// <summary>Packets this node sent through this exit.</summary>
    public long Packets => Volatile.Read(ref _packets);

    internal void CountPacket() => Interlocked.Increment(ref _packets);
}
