using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MeshActors.SystemTests;

/// <summary>
/// UDP flows from one namespace to an echo server in another that answers each probe with the address it came from:
/// behind masquerading exits, that address names the exit that carried the flow. Each flow is one socket with its own
/// source port, so its 5-tuple stays fixed for the whole test. Sockets are made inside the namespaces
/// (<see cref="NetNamespace"/>); the test process never leaves its own.
/// </summary>
internal sealed class ExitFlows : IDisposable
{
    private readonly Socket _server;
    private readonly Socket[] _flows;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _echo;
    private int _round;

    public ExitFlows(string clientNamespace, string serverNamespace, IPEndPoint target, int count)
    {
        _target = target;
        _server = NetNamespace.CreateUdpSocket(serverNamespace, AddressFamily.InterNetwork);
        _server.Bind(target);
        _echo = new Thread(Echo) { IsBackground = true, Name = "exit-flows-echo" };
        _echo.Start();
        _flows = [.. Enumerable.Range(0, count).Select(_ =>
        {
            var socket = NetNamespace.CreateUdpSocket(clientNamespace, AddressFamily.InterNetwork);
            socket.Bind(new IPEndPoint(IPAddress.Any, 0));
            return socket;
        })];
    }

    public int Count => _flows.Length;

    /// <summary>
    /// One probe on every flow, then up to <paramref name="wait"/> for the answers: per flow, the address the server saw
    /// (the exit's), or null when no answer of this round came in time. Late answers of earlier rounds are discarded.
    /// </summary>
    public IPAddress?[] Probe(TimeSpan wait)
    {
        var round = ++_round;
        var probe = Encoding.ASCII.GetBytes(round.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var flow in _flows)
        {
            try
            {
                flow.SendTo(probe, _target);
            }
            catch (SocketException)
            {
                // No route yet (the node has not installed the exit prefix on its TUN device): no answer this round.
            }
        }

        var answers = new IPAddress?[_flows.Length];
        var pending = Enumerable.Range(0, _flows.Length).ToList();
        var clock = Stopwatch.StartNew();
        var buffer = new byte[256];
        while (pending.Count > 0 && clock.Elapsed < wait)
        {
            var ready = pending.Select(i => _flows[i]).ToList();
            Socket.Select(ready, null, null, (int)Math.Max(1, (wait - clock.Elapsed).TotalMicroseconds));
            foreach (var socket in ready)
            {
                var index = Array.IndexOf(_flows, socket);
                int length;
                try
                {
                    length = socket.Receive(buffer);
                }
                catch (SocketException)
                {
                    continue;
                }

                var text = Encoding.ASCII.GetString(buffer, 0, length).Split(' ');
                if (text.Length == 2 && text[0] == Encoding.ASCII.GetString(probe))
                {
                    answers[index] = IPAddress.Parse(text[1]);
                    pending.Remove(index);
                }
            }
        }

        return answers;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _server.Dispose();
        _echo.Join();
        foreach (var flow in _flows)
        {
            flow.Dispose();
        }
    }

    /// <summary>Answers "PROBE ADDRESS" to each probe, ADDRESS being the source the server saw.</summary>
    private void Echo()
    {
        var buffer = new byte[256];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var length = _server.ReceiveFrom(buffer, ref from);
                var sender = (IPEndPoint)from;
                _server.SendTo(Encoding.ASCII.GetBytes($"{Encoding.ASCII.GetString(buffer, 0, length)} {sender.Address}"), sender);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }
}
