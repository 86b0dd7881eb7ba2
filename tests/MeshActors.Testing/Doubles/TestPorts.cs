using System.Net;
using System.Net.Sockets;

namespace MeshActors.Testing.Doubles;

/// <summary>
/// Loopback ports for tests that must name a port before a node binds it (a config file, a restart on the same port).
/// They come from 20000–31999, below the kernel's ephemeral range (32768 up): a port drawn from that range may be
/// taken meanwhile as the source port of some outgoing connection, a restarted node's own peers' redials included.
/// Each process walks the range from its own random start, so one process never hands out the same port twice.
/// </summary>
public static class TestPorts
{
    private const int First = 20000;
    private const int Count = 12000;
    private static int _next = Random.Shared.Next(Count);

    /// <summary>A port nothing listens on over TCP or UDP right now.</summary>
    public static int Next()
    {
        for (var tries = 0; tries < Count; tries++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no free loopback port in {First}–{First + Count - 1}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
