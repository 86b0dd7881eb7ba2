using System.Net;
using System.Net.Sockets;

namespace MeshActors.Node.Tests.Socks;

/// <summary>A test's side of a SOCKS5 connection: raw bytes out, the gateway's answers read back whole.</summary>
internal sealed class SocksClient : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private SocksClient(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    public static async Task<SocksClient> ConnectAsync(IPEndPoint gateway)
    {
        var socket = new Socket(gateway.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(gateway);
        return new SocksClient(socket);
    }

    public static byte[] Greeting => [5, 1, 0];

    public static byte[] Connect(IPEndPoint target) =>
        [5, 1, 0, (byte)(target.AddressFamily == AddressFamily.InterNetwork ? 1 : 4), .. target.Address.GetAddressBytes(), (byte)(target.Port >> 8), (byte)target.Port];

    public static byte[] Connect(string host, int port) =>
        [5, 1, 0, 3, (byte)host.Length, .. System.Text.Encoding.ASCII.GetBytes(host), (byte)(port >> 8), (byte)port];

    public async Task SendAsync(params byte[][] parts)
    {
        byte[] all = [.. parts.SelectMany(part => part)];
        await Socket.SendAsync(all, SocketFlags.None);
    }

    /// <summary>Exactly <paramref name="count"/> bytes, or fewer when the gateway closed first.</summary>
    public async Task<byte[]> ReadAsync(int count)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await Socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return buffer[..filled];
    }

    /// <summary>Reads the method choice and the reply to a CONNECT; the reply's code.</summary>
    public async Task<byte> HandshakeAsync(byte[] request)
    {
        await SendAsync(Greeting, request);
        Assert.Equal(new byte[] { 5, 0 }, await ReadAsync(2));
        return await ReadReplyAsync();
    }

    /// <summary>One reply (its length follows from its address type); its code.</summary>
    public async Task<byte> ReadReplyAsync()
    {
        var head = await ReadAsync(4);
        Assert.Equal(4, head.Length);
        Assert.Equal(5, head[0]);
        var rest = await ReadAsync(head[3] == 4 ? 18 : 6);
        Assert.Equal(head[3] == 4 ? 18 : 6, rest.Length);
        return head[1];
    }

    /// <summary>True when the gateway closed the connection (the next read returns nothing).</summary>
    public async Task<bool> ClosedAsync()
    {
        try
        {
            return (await ReadAsync(1)).Length == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    public void Dispose() => Socket.Dispose();
}
