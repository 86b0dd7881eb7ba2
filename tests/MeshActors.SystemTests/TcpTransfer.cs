using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MeshActors.SystemTests;

/// <summary>What one TCP transfer carried: bytes the sender's kernel accepted, bytes the receiver read, and how long it took.</summary>
internal readonly record struct TransferResult(long Sent, long Received, TimeSpan Elapsed)
{
    public double Mbits => Received * 8 / Elapsed.TotalSeconds / 1e6;
}

/// <summary>One TCP stream from a socket in one namespace to a listener in another, for a fixed time (an iperf3 in miniature).</summary>
internal static class TcpTransfer
{
    private const int Port = 5201;
    private const int ChunkBytes = 64 * 1024;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public static async Task<TransferResult> RunAsync(string fromNamespace, string toNamespace, IPAddress to, TimeSpan duration)
    {
        using var listener = NetNamespace.CreateTcpSocket(toNamespace, to.AddressFamily);
        listener.Bind(new IPEndPoint(to, Port));
        listener.Listen(1);
        var receiving = ReceiveAllAsync(listener);

        using var sender = NetNamespace.CreateTcpSocket(fromNamespace, to.AddressFamily);
        using (var connectTimeout = new CancellationTokenSource(ConnectTimeout))
        {
            await sender.ConnectAsync(new IPEndPoint(to, Port), connectTimeout.Token);
        }

        var chunk = new byte[ChunkBytes];
        Random.Shared.NextBytes(chunk);
        long sent = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            sent += await sender.SendAsync(chunk);
        }

        sender.Shutdown(SocketShutdown.Send);
        var received = await receiving.WaitAsync(duration + ConnectTimeout);
        return new TransferResult(sent, received, clock.Elapsed);
    }

    /// <summary>Accepts one connection and reads it to the end.</summary>
    private static async Task<long> ReceiveAllAsync(Socket listener)
    {
        using var connection = await listener.AcceptAsync();
        var buffer = new byte[ChunkBytes];
        long total = 0;
        int read;
        while ((read = await connection.ReceiveAsync(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }
}
