using System.Net;
using System.Net.Sockets;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Links;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// A link's view of its node's shared UDP socket: sends go to one peer address (no allocation: the address is
/// serialised once), receiving is done by the endpoint's shared reader, which finds the link by session index.
/// </summary>
internal sealed class UdpTransport(UdpLinkEndpoint endpoint, SocketAddress peerAddress, IPEndPoint remote) : ILinkTransport
{
    private int _shutdown;

    public string Scheme => "udp";

    public EndPoint RemoteEndPoint => remote;

    public SocketAddress PeerAddress => peerAddress;

    public int MaxFrameSize => endpoint.MaxFrameSize;

    public bool HasOwnReader => false;

    public void Send(byte[] buffer, int frameLength) =>
        endpoint.SendTo(buffer.AsSpan(BufferLayout.FrameOffset, frameLength), peerAddress);

    public void RunReader(Link link) => throw new InvalidOperationException("UDP links are fed by their endpoint's shared reader");

    public void RegisterIndex(uint index, Link link) => endpoint.Register(index, link);

    public void UnregisterIndex(uint index) => endpoint.Unregister(index);

    public void Shutdown()
    {
        if (Interlocked.Exchange(ref _shutdown, 1) == 0)
        {
            endpoint.Detach(this);
        }
    }
}
