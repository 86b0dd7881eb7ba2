using System.Net;
using System.Net.Sockets;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.IO;
using MeshActors.DataPlane.Links;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// A link's view of its node's shared UDP socket: sends go to one peer address (no allocation: the address is
/// serialised once), receiving is done by the endpoint's shared reader, which finds the link by session index.
/// The peer address follows the peer: when an authenticated frame of this link arrives from another address (a NAT
/// rebinding, a roaming laptop), later frames go there (<see cref="PeerSeenAt"/>), as WireGuard does.
/// </summary>
internal sealed class UdpTransport(UdpLinkEndpoint endpoint, SocketAddress peerAddress, IPEndPoint remote) : ILinkTransport
{
    private SocketAddress _peerAddress = peerAddress;
    private IPEndPoint _remote = remote;
    private int _shutdown;

    public string Scheme => "udp";

    public EndPoint RemoteEndPoint => Volatile.Read(ref _remote);

    public SocketAddress PeerAddress => Volatile.Read(ref _peerAddress);

    public int MaxFrameSize => endpoint.MaxFrameSize;

    public bool HasOwnReader => false;

    /// <summary>A datagram send waits at most for the socket's own buffer to drain to the device, never for the peer:
    /// the loop sends it at once.</summary>
    public bool TrySend(PacketBuffer buffer)
    {
        Send(buffer.Array, buffer.SealedFrameLength);
        return true;
    }

    public void SendSegments(ReadOnlySpan<byte> datagrams, int datagramSize) =>
        endpoint.SendSegments(datagrams, datagramSize, PeerAddress);

    public bool BatchesDatagrams => endpoint.SegmentationOffload;

    public bool Flush() => true;

    /// <summary>As <see cref="TrySend"/>, on the producing thread; errors go to the loop's path.</summary>
    public DirectSend TrySendNow(byte[] buffer, int frameLength)
    {
        try
        {
            Send(buffer, frameLength);
            return DirectSend.Sent;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return DirectSend.NotSent;
        }
    }

    private void Send(byte[] buffer, int frameLength) =>
        endpoint.SendTo(buffer.AsSpan(BufferLayout.FrameOffset, frameLength), PeerAddress);

    /// <summary>An authenticated frame of this link came from <paramref name="from"/> (the endpoint's reader thread,
    /// which reuses that object: it is copied when it differs).</summary>
    public void PeerSeenAt(SocketAddress from)
    {
        if (PeerAddress.Equals(from))
        {
            return;
        }

        var moved = UdpLinkEndpoint.CloneAddress(from);
        Volatile.Write(ref _remote, (IPEndPoint)_remote.Create(moved));
        Volatile.Write(ref _peerAddress, moved);
    }

    public void StartReading(Link link, EventLoop loop, int slot) =>
        throw new InvalidOperationException("UDP links are fed by their endpoint's shared reader");

    public void WatchWritable(EventLoop loop, int slot, bool writable)
    {
    }

    public bool Read(Link link, byte[] scratch) => throw new InvalidOperationException("UDP links are fed by their endpoint's shared reader");

    public void RegisterIndex(uint index, Link link) => endpoint.Register(index, link);

    public void UnregisterIndex(uint index) => endpoint.Unregister(index);

    public void Shutdown()
    {
        if (Interlocked.Exchange(ref _shutdown, 1) == 0)
        {
            endpoint.Detach(this);
        }
    }

    public void Release(EventLoop loop) => Shutdown();
}
