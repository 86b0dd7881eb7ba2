using System.Net;
using System.Net.Sockets;

namespace MeshActors.Testing.Doubles;

/// <summary>A TCP echo server on 127.0.0.1 (a <see cref="TestPorts"/> port): each connection gets its bytes back, and
/// its end of stream once the client's came.</summary>
public sealed class TcpEcho : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    private TcpEcho(TcpListener listener) => _listener = listener;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    public static TcpEcho Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, TestPorts.Next());
        listener.Start();
        var echo = new TcpEcho(listener);
        _ = Task.Run(echo.AcceptAsync);
        return echo;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = Task.Run(() => EchoAsync(socket));
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    private async Task EchoAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token) is var read and > 0)
                {
                    await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                }

                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                // the client went away, or the test ended
            }
        }
    }
}

/// <summary>A UDP echo server on 127.0.0.1 (a <see cref="TestPorts"/> port): each datagram goes back to its sender.</summary>
public sealed class UdpEcho : IDisposable
{
    private readonly UdpClient _socket;
    private readonly CancellationTokenSource _stop = new();

    private UdpEcho(UdpClient socket) => _socket = socket;

    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    public static UdpEcho Start()
    {
        var echo = new UdpEcho(new UdpClient(new IPEndPoint(IPAddress.Loopback, TestPorts.Next())));
        _ = Task.Run(echo.EchoAsync);
        return echo;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
    }

    private async Task EchoAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var datagram = await _socket.ReceiveAsync(_stop.Token);
                await _socket.SendAsync(datagram.Buffer, datagram.RemoteEndPoint, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // an ICMP error for an earlier reply: keep echoing
            }
        }
    }
}
