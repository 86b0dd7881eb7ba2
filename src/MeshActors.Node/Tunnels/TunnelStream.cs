using System.Threading.Channels;
using MeshActors.Protocol.Counting;
using MeshActors.Protocol.Routing;
using MeshActors.Protocol.Tunnels;

namespace MeshActors.Node.Tunnels;

/// <summary>
/// One stream between an <see cref="IStreamEnd"/> on this node and the node at the other end, once both ends are
/// connected. Two loops: <c>up</c> reads the end and sends Data frames, numbered from 0, at most <see cref="Window"/>
/// beyond the other end's last Credit (TCP waits for credit; UDP drops the datagram and counts it); <c>down</c> puts
/// the Data frames the actor hands in (<see cref="Take"/>) back in order, writes them to the end and credits them
/// every <see cref="CreditEvery"/>. TCP's end of stream travels as Close with the number of Data frames sent; the
/// receiver finishes its end once it has written them all. The stream ends when both directions have finished, or at
/// once on a reset (an error either side, the far end's reset, <see cref="Reset"/>); <see cref="Ended"/> then
/// completes with whether it was a reset.
/// </summary>
internal sealed class TunnelStream
{
    /// <summary>Data frames in flight beyond the last credit: 32 × 16 KiB = 512 KiB, a LAN's worth of bytes in flight.</summary>
    public const int Window = 32;

    public const int CreditEvery = Window / 4;

    /// <summary>Frames held out of order before the stream is reset: a peer that ignores the window gets no more.</summary>
    private const int MaxHeld = 2 * Window;

    private readonly IStreamEnd _end;
    private readonly TunnelBusSender _bus;
    private readonly CounterSet<TunnelEvent> _counts;
    private readonly bool _datagrams;
    private readonly SemaphoreSlim _window = new(Window);
    private readonly Channel<TunnelFrame> _inbound = Channel.CreateUnbounded<TunnelFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<bool> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _credited;
    private int _held;
    private int _finished;

    public TunnelStream(RouterId peer, ulong id, TunnelProtocol protocol, IStreamEnd end, TunnelBusSender bus, CounterSet<TunnelEvent> counts)
    {
        Peer = peer;
        Id = id;
        Protocol = protocol;
        _end = end;
        _bus = bus;
        _counts = counts;
        _datagrams = protocol == TunnelProtocol.Udp;
    }

    public RouterId Peer { get; }

    public ulong Id { get; }

    public TunnelProtocol Protocol { get; }

    /// <summary>Environment.TickCount64 of the last datagram or bytes either way (idle UDP streams are closed).</summary>
    public long LastActivityMs { get; private set; } = Environment.TickCount64;

    /// <summary>True when the stream ended by a reset.</summary>
    public Task<bool> Ended => _ended.Task;

    public void Start()
    {
        _ = Task.Run(UpAsync);
        _ = Task.Run(DownAsync);
    }

    /// <summary>A Data, Credit or Close frame from the other end (the actor's thread).</summary>
    public void Take(TunnelFrame frame)
    {
        switch (frame.Kind)
        {
            case TunnelFrameKind.Credit:
                var more = frame.Number - Interlocked.Read(ref _credited);
                if (more > 0 && more <= Window)
                {
                    Interlocked.Add(ref _credited, more);
                    _window.Release((int)more);
                }

                break;
            case TunnelFrameKind.Close when frame.Reset:
                Finish(reset: true, tellPeer: false);
                break;
            default:
                if (Interlocked.Increment(ref _held) > MaxHeld)
                {
                    Finish(reset: true, tellPeer: true);
                    return;
                }

                _inbound.Writer.TryWrite(frame);
                break;
        }
    }

    /// <summary>Ends the stream now and tells the other end (a tunnel closed, an idle UDP stream, the node stopping).</summary>
    public void Reset() => Finish(reset: true, tellPeer: true);

    private async Task UpAsync()
    {
        var buffer = new byte[TunnelFrame.MaxData];
        uint sent = 0;
        try
        {
            while (true)
            {
                var read = await _end.ReceiveAsync(buffer, _stop.Token);
                if (read == 0 && !_datagrams)
                {
                    await _bus.SendAsync(Peer, TunnelFrame.Close(Id, sent, reset: false), _stop.Token);
                    UpDone();
                    return;
                }

                if (read == 0)
                {
                    continue;
                }

                LastActivityMs = Environment.TickCount64;
                if (!_datagrams)
                {
                    await _window.WaitAsync(_stop.Token);
                }
                else if (!_window.Wait(0))
                {
                    _counts.Increment(TunnelEvent.DatagramsDropped);
                    continue;
                }

                await _bus.SendAsync(Peer, TunnelFrame.DataFrame(Id, sent++, buffer.AsSpan(0, read)), _stop.Token);
                _counts.Add(TunnelEvent.BytesSent, read);
            }
        }
        catch (Exception e) when (IsEnding(e))
        {
            Finish(reset: true, tellPeer: !_stop.IsCancellationRequested);
        }
    }

    private async Task DownAsync()
    {
        var held = new Dictionary<uint, ReadOnlyMemory<byte>>();
        uint next = 0;
        uint? last = null;
        try
        {
            await foreach (var frame in _inbound.Reader.ReadAllAsync(_stop.Token))
            {
                Interlocked.Decrement(ref _held);
                if (frame.Kind == TunnelFrameKind.Close)
                {
                    last = frame.Number;
                }
                else if (frame.Number - next < MaxHeld)
                {
                    held.TryAdd(frame.Number, frame.Data);
                }

                while (held.Remove(next, out var data))
                {
                    await _end.SendAsync(data, _stop.Token);
                    LastActivityMs = Environment.TickCount64;
                    _counts.Add(TunnelEvent.BytesReceived, data.Length);
                    next++;
                    if (next % CreditEvery == 0)
                    {
                        await _bus.SendAsync(Peer, TunnelFrame.Credit(Id, next), _stop.Token);
                    }
                }

                if (last == next)
                {
                    _end.FinishSending();
                    DownDone();
                    return;
                }
            }
        }
        catch (Exception e) when (IsEnding(e))
        {
            Finish(reset: true, tellPeer: !_stop.IsCancellationRequested);
        }
    }

    private static bool IsEnding(Exception e) =>
        e is OperationCanceledException or IOException or ObjectDisposedException or System.Net.Sockets.SocketException or ChannelClosedException;

    /// <summary>Bit 0: up finished, bit 1: down finished.</summary>
    private void UpDone()
    {
        if ((Interlocked.Or(ref _finished, 1) | 1) == 3)
        {
            Finish(reset: false, tellPeer: false);
        }
    }

    private void DownDone()
    {
        if ((Interlocked.Or(ref _finished, 2) | 2) == 3)
        {
            Finish(reset: false, tellPeer: false);
        }
    }

    private void Finish(bool reset, bool tellPeer)
    {
        if (!_ended.TrySetResult(reset))
        {
            return;
        }

        _counts.Increment(reset ? TunnelEvent.StreamsReset : TunnelEvent.StreamsClosed);
        _stop.Cancel();
        _inbound.Writer.TryComplete();
        _end.Dispose();
        if (tellPeer)
        {
            // Best effort: the peer's stream also ends when the idle timeout or its own error finds it.
            _ = _bus.SendAsync(Peer, TunnelFrame.Close(Id, 0, reset: true), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
