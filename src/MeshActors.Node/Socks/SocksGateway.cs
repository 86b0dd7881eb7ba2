using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MeshActors.Node.Settings;
using Microsoft.Extensions.Logging;

namespace MeshActors.Node.Socks;

/// <summary>
/// The SOCKS5 gateway (<c>socks.listen</c>, <c>--socks</c>): one accept loop (<c>socks-accept</c>) on a loopback
/// socket, one <see cref="SocksSession"/> task per connection. At most socks.max-sessions sessions run; a connection
/// beyond them is still read to its request and answered "general failure" while fewer than
/// <see cref="RefusalSlots"/> such answers run, and closed at once past them, so a flood costs a bounded amount.
/// Disposing stops accepting, cancels every session (closing its sockets) and waits for them.
/// </summary>
public sealed class SocksGateway : IAsyncDisposable
{
    /// <summary>Over-limit connections answered at once: enough for a client to learn why, few enough to cost little
    /// (each holds a 0.6 KiB buffer for at most socks.handshake-timeout).</summary>
    private const int RefusalSlots = 16;

    /// <summary>Pending connections the kernel queues before the accept loop takes them.</summary>
    private const int Backlog = 128;

    private readonly Socket _listener;
    private readonly SocksSettings _settings;
    private readonly SocksTargets _targets;
    private readonly SocksStats _stats;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _sessions = new();
    private readonly Task _acceptLoop;
    private int _refusing;
    private long _nextSession;

    private SocksGateway(Socket listener, SocksSettings settings, SocksTargets targets, SocksStats stats, ILogger logger)
    {
        _listener = listener;
        _settings = settings;
        _targets = targets;
        _stats = stats;
        _logger = logger;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Binds <paramref name="endPoint"/> (a <see cref="SocketException"/> when it cannot) and starts accepting.</summary>
    public static SocksGateway Start(IPEndPoint endPoint, SocksSettings settings, SocksTargets targets, SocksStats stats, ILogger logger)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endPoint);
            listener.Listen(Backlog);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        stats.Listen = (IPEndPoint)listener.LocalEndPoint!;
        logger.LogInformation("SOCKS5 gateway on {EndPoint}, at most {Sessions} sessions", stats.Listen, settings.MaxSessions);
        return new SocksGateway(listener, settings, targets, stats, logger);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // A connection reset while queued, or out of descriptors: this one is lost, the loop goes on.
                _logger.LogDebug("SOCKS accept: {Error}", e.Message);
                continue;
            }

            _stats.Events.Increment(SocksEvent.Accepted);
            client.NoDelay = true;
            if (_stats.TryEnter())
            {
                Track(RunAsync(client, overLimit: false));
            }
            else if (Interlocked.Increment(ref _refusing) <= RefusalSlots)
            {
                Track(RunAsync(client, overLimit: true));
            }
            else
            {
                Interlocked.Decrement(ref _refusing);
                _stats.Refusals.Increment(SocksRefusal.SessionLimit);
                client.Dispose();
            }
        }
    }

    private async Task RunAsync(Socket client, bool overLimit)
    {
        await Task.Yield();
        try
        {
            await new SocksSession(client, _settings, _targets, _stats, _logger).RunAsync(overLimit, _stopping.Token);
        }
        catch (Exception e)
        {
            // A session ends on socket errors by itself; anything else is a bug, logged, and costs only this session.
            _logger.LogWarning(e, "SOCKS session failed");
        }
        finally
        {
            if (overLimit)
            {
                Interlocked.Decrement(ref _refusing);
            }
            else
            {
                _stats.Leave();
            }
        }
    }

    private void Track(Task session)
    {
        var id = Interlocked.Increment(ref _nextSession);
        _sessions[id] = session;
        session.ContinueWith(_ => _sessions.TryRemove(id, out Task? _), TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        await Task.WhenAll(_sessions.Values);
        _stats.Listen = null;
        _stopping.Dispose();
    }
}
