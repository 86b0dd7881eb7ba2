using System.Net.Sockets;
using MeshActors.Protocol.Counting;

namespace MeshActors.Node.Socks;

/// <summary>
/// Copies bytes both ways between a client and its target until both directions ended: one pump per direction, each
/// with its own half of one buffer the session owns (no allocation per read). The end of one direction is passed on
/// as a half-close (shutdown of sending), so request-then-EOF protocols work; an error in either direction ends both.
/// </summary>
internal static class SocksRelay
{
    public static async Task RunAsync(Socket client, Socket target, Memory<byte> buffer, CounterSet<SocksEvent> events, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var half = buffer.Length / 2;
        var up = PumpAsync(client, target, buffer[..half], events, SocksEvent.BytesToTarget, failed);
        var down = PumpAsync(target, client, buffer[half..], events, SocksEvent.BytesFromTarget, failed);
        await Task.WhenAll(up, down);
    }

    private static async Task PumpAsync(Socket from, Socket to, Memory<byte> buffer, CounterSet<SocksEvent> events, SocksEvent counter, CancellationTokenSource failed)
    {
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, failed.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                for (var sent = 0; sent < read;)
                {
                    sent += await to.SendAsync(buffer[sent..read], SocketFlags.None, failed.Token);
                }

                events.Add(counter, read);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A reset or a closed socket on either side ends the other direction too.
            await failed.CancelAsync();
        }
    }
}
