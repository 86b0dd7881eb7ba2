using System.Net;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.IO;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// The socket side of one link, as the <see cref="Link"/> sees it. Sends never block: the link's event loop
/// (<see cref="EventLoop"/>) sends on its thread (<see cref="TrySend"/>, <see cref="Flush"/>), and a producer may send
/// a small frame itself (<see cref="TrySendNow"/>); the link's send gate keeps the two apart and in order.
/// </summary>
internal interface ILinkTransport : ISegmentSender
{
    string Scheme { get; }

    EndPoint RemoteEndPoint { get; }

    /// <summary>Largest frame this transport carries, bytes.</summary>
    int MaxFrameSize { get; }

    /// <summary>True when the link reads its own socket on its event loop (TCP); false when a shared socket reader
    /// feeds it (UDP).</summary>
    bool HasOwnReader { get; }

    /// <summary>Loop thread: sends the sealed frame at <c>buffer[FrameOffset .. FrameOffset + SealedFrameLength]</c>
    /// (the two bytes before it are free for a length prefix). True: sent, the caller still owns the buffer. False:
    /// the socket is full; the transport keeps the buffer (and returns it to its pool) until <see cref="Flush"/> has
    /// sent the rest. Throws on a transport failure.</summary>
    bool TrySend(PacketBuffer buffer);

    /// <summary>True when runs of equal frames are best sent through <see cref="SendSegments"/> (one system call for
    /// many datagrams) rather than one <see cref="TrySend"/> each: a datagram transport whose kernel segments.</summary>
    bool BatchesDatagrams { get; }

    /// <summary>Loop thread: sends what <see cref="TrySend"/> or <see cref="TrySendNow"/> left over; true when nothing
    /// is left. Throws on a transport failure.</summary>
    bool Flush();

    /// <summary>
    /// Sends the frame (laid out as for <see cref="TrySend"/>) only if that cannot block, from whichever thread produced
    /// it: <see cref="DirectSend.NotSent"/> leaves it to the caller's queue, <see cref="DirectSend.Started"/> means
    /// the transport holds the rest until <see cref="Flush"/>. Never throws for a transport failure: the loop
    /// reports it.
    /// </summary>
    DirectSend TrySendNow(byte[] buffer, int frameLength);

    /// <summary>An authenticated frame of this link arrived from <paramref name="from"/> (datagram transports follow a
    /// peer that moved; a stream transport has nothing to do).</summary>
    void PeerSeenAt(System.Net.SocketAddress from);

    /// <summary>Loop thread: starts reporting readability of the socket to <paramref name="slot"/> (only when
    /// <see cref="HasOwnReader"/>), then reads what arrived before (behind the handshake).</summary>
    void StartReading(Link link, EventLoop loop, int slot);

    /// <summary>Loop thread: the socket is (or is no longer) watched for room to send.</summary>
    void WatchWritable(EventLoop loop, int slot, bool writable);

    /// <summary>Loop thread: reads what the socket holds (a bounded amount) and hands each frame to the link. False at
    /// end of stream. Throws on a transport or framing failure.</summary>
    bool Read(Link link, byte[] scratch);

    /// <summary>Frames to this session index belong to this link from now on (UDP demultiplexing).</summary>
    void RegisterIndex(uint index, Link link);

    void UnregisterIndex(uint index);

    /// <summary>Any thread: ends the conversation (a TCP shutdown); the socket itself stays open until <see cref="Release"/>.</summary>
    void Shutdown();

    /// <summary>Loop thread, last call: stops watching, closes the socket, returns a kept buffer to its pool.</summary>
    void Release(EventLoop loop);
}

/// <summary>What <see cref="DatagramRun"/> needs of a transport.</summary>
internal interface ISegmentSender
{
    /// <summary>Loop thread: sends datagrams laid end to end in <paramref name="datagrams"/>, each
    /// <paramref name="datagramSize"/> bytes but the last (shorter or equal): the Segment frames of one long payload,
    /// or a run of equal frames. Datagram transports only (a stream carries every frame whole). Throws on a transport
    /// failure.</summary>
    void SendSegments(ReadOnlySpan<byte> datagrams, int datagramSize);
}

/// <summary>Bounds of the direct path (<see cref="ILinkTransport.TrySendNow"/>).</summary>
internal static class DirectSendLimits
{
    /// <summary>
    /// Largest frame a producer thread sends itself, bytes: pings, TCP acknowledgements and interactive traffic, for
    /// which a hand-off to the event loop is a large part of the latency. Bigger frames are bulk traffic, which
    /// the loop batches; a TCP transport keeps at most this many unsent bytes of a started frame.
    /// </summary>
    public const int MaxFrame = 2048;
}

/// <summary>What <see cref="ILinkTransport.TrySendNow"/> did with a frame.</summary>
internal enum DirectSend
{
    /// <summary>Nothing was sent; the frame is still the caller's.</summary>
    NotSent,

    /// <summary>The whole frame is on its way.</summary>
    Sent,

    /// <summary>Part of it went out; the transport kept the rest, which the loop must flush before anything else.</summary>
    Started,
}
