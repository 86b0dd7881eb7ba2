using System.Net;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// The socket side of one link, as the <see cref="Link"/> sees it. Sends may come from the link's writer thread and
/// (for handshake replies during a rekey) its reader thread: implementations serialise them.
/// </summary>
internal interface ILinkTransport
{
    string Scheme { get; }

    EndPoint RemoteEndPoint { get; }

    /// <summary>Largest frame this transport carries, bytes.</summary>
    int MaxFrameSize { get; }

    /// <summary>True when the link needs a reader thread of its own (TCP); false when a shared socket reader feeds it (UDP).</summary>
    bool HasOwnReader { get; }

    /// <summary>
    /// Sends the frame at <c>buffer[FrameOffset .. FrameOffset + frameLength]</c>; the two bytes before it are free
    /// for a length prefix. Throws on a transport failure.
    /// </summary>
    void Send(byte[] buffer, int frameLength);

    /// <summary>
    /// Sends the frame (laid out as for <see cref="Send"/>) only if that cannot block, from whichever thread produced
    /// it: <see cref="DirectSend.NotSent"/> leaves it to the caller's queue, <see cref="DirectSend.Started"/> means
    /// the transport holds the rest until <see cref="FlushStarted"/>. Never throws for a transport failure: the
    /// blocking path reports it.
    /// </summary>
    DirectSend TrySendNow(byte[] buffer, int frameLength);

    /// <summary>Sends, blocking, whatever <see cref="TrySendNow"/> started but could not finish. Writer thread.</summary>
    void FlushStarted();

    /// <summary>An authenticated frame of this link arrived from <paramref name="from"/> (datagram transports follow a
    /// peer that moved; a stream transport has nothing to do).</summary>
    void PeerSeenAt(System.Net.SocketAddress from);

    /// <summary>Reads frames for the link until the transport ends; only called when <see cref="HasOwnReader"/>.</summary>
    void RunReader(Link link);

    /// <summary>Frames to this session index belong to this link from now on (UDP demultiplexing).</summary>
    void RegisterIndex(uint index, Link link);

    void UnregisterIndex(uint index);

    /// <summary>Ends the transport; a blocked reader wakes and returns.</summary>
    void Shutdown();
}

/// <summary>Bounds of the direct path (<see cref="ILinkTransport.TrySendNow"/>).</summary>
internal static class DirectSendLimits
{
    /// <summary>
    /// Largest frame a producer thread sends itself, bytes: pings, TCP acknowledgements and interactive traffic, for
    /// which a hand-off to the writer thread is a large part of the latency. Bigger frames are bulk traffic, which
    /// the writer thread batches; a TCP transport keeps at most this many unsent bytes of a started frame.
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

    /// <summary>Part of it went out; the transport kept the rest, which the writer must flush before anything else.</summary>
    Started,
}
