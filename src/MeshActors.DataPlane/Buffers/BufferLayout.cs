using MeshActors.Protocol.Data;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Buffers;

/// <summary>
/// Where things sit in a <see cref="PacketBuffer"/>, so every layer writes its header in front of the packet and its
/// tag behind it without moving a byte:
/// <code>
/// [TCP length 2][link header 11][data header 60][inner type 1][ IP packet ... ][e2e tag 16][link tag 16]
///  ^0            ^2              ^13             ^73           ^74 = PacketOffset
/// </code>
/// </summary>
public static class BufferLayout
{
    /// <summary>Start of the link frame: after the 2-byte TCP length prefix (unused on UDP).</summary>
    public const int FrameOffset = TcpFraming.PrefixSize;

    /// <summary>Start of a transport frame's payload (the Data payload or a control payload).</summary>
    public const int PayloadOffset = FrameOffset + FrameLayout.HeaderSize;

    /// <summary>Start of the inner type byte, right after the data header.</summary>
    public const int InnerOffset = PayloadOffset + DataHeader.Size;

    /// <summary>Start of the IP packet: the TUN device reads straight to here.</summary>
    public const int PacketOffset = InnerOffset + InnerLayout.TypeSize;

    /// <summary>Bytes after the packet: the end-to-end tag and the link tag.</summary>
    public const int Tailroom = InnerLayout.TagSize + FrameLayout.TagSize;

    /// <summary>Buffer size needed to carry an inner packet of <paramref name="maxPacket"/> bytes through every layer.</summary>
    public static int BufferSizeFor(int maxPacket) => PacketOffset + maxPacket + Tailroom;

    /// <summary>Largest buffer ever needed: a maximum-size frame plus its TCP prefix (65,509 bytes).</summary>
    public const int MaxBufferSize = FrameOffset + FrameLayout.MaxFrameSize;
}
