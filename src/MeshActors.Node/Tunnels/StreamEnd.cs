using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace MeshActors.Node.Tunnels;

/// <summary>This node's side of a stream: what a <see cref="TunnelStream"/> reads from and writes to.</summary>
internal interface IStreamEnd : IDisposable
{
    /// <summary>The next bytes (TCP) or the next datagram (UDP); 0: the other side finished sending (TCP only).</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Nothing more will be sent (TCP: FIN).</summary>
    void FinishSending();
}

/// <summary>A connected socket: TCP at either end, or the far end's UDP socket connected to the exposed port.</summary>
internal sealed class SocketEnd(Socket socket) : IStreamEnd
{
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (data.Length > 0)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }

    public void FinishSending()
    {
        if (socket.ProtocolType == ProtocolType.Tcp)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
    }

    public void Dispose() => socket.Dispose();
}

/// <summary>One UDP client of a near-end tunnel: its datagrams arrive through the tunnel's listening socket (which
/// hands them in with <see cref="Offer"/>), and replies go back to it from that socket.</summary>
internal sealed class UdpClientEnd(Socket listener, IPEndPoint client, int queued) : IStreamEnd
{
    private readonly Channel<byte[]> _datagrams = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(queued)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public IPEndPoint Client => client;

    /// <summary>False when the queue is full (the datagram is dropped).</summary>
    public bool Offer(byte[] datagram) => _datagrams.Writer.TryWrite(datagram);

    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var datagram = await _datagrams.Reader.ReadAsync(cancellationToken);
        var length = Math.Min(datagram.Length, buffer.Length);
        datagram.AsMemory(0, length).CopyTo(buffer);
        return length;
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        await listener.SendToAsync(data, SocketFlags.None, client, cancellationToken);

    public void FinishSending()
    {
    }

    public void Dispose() => _datagrams.Writer.TryComplete();
}
