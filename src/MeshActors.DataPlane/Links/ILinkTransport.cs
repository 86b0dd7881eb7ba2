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

    /// <summary>Reads frames for the link until the transport ends; only called when <see cref="HasOwnReader"/>.</summary>
    void RunReader(Link link);

    /// <summary>Frames to this session index belong to this link from now on (UDP demultiplexing).</summary>
    void RegisterIndex(uint index, Link link);

    void UnregisterIndex(uint index);

    /// <summary>Ends the transport; a blocked reader wakes and returns.</summary>
    void Shutdown();
}
