using System.Numerics;
using MeshActors.Protocol.Frames;

namespace MeshActors.Node.Links;

/// <summary>
/// Liveness and quality of one link from hello/IHU exchanges, as a plain single-owner class (the PeerLink actor
/// owns it; time is passed in, microseconds on a monotonic clock).
/// <list type="bullet">
/// <item>RTT: each IHU echoes the timestamp of a hello we sent and says how long the peer held it; the sample is
/// now − echoed − hold, smoothed like TCP's SRTT (gain 1/8).</item>
/// <item>Loss: the peer reports how many of our last <see cref="Window"/> hellos it received.</item>
/// <item>Death: no frame at all from the peer for <see cref="DeadAfterMicros"/>.</item>
/// </list>
/// </summary>
public sealed class LinkHealth(long deadAfterMicros)
{
    /// <summary>Hellos remembered for the loss estimate: 16 hellos = 16 s at the default 1 s interval.</summary>
    public const int Window = 16;

    /// <summary>Gain of the RTT smoothing (RFC 6298 alpha = 1/8).</summary>
    private const double SmoothingGain = 0.125;

    private ushort _nextHelloSeqno;
    private ushort _lastReceivedSeqno;
    private uint _receivedBitmap;
    private int _receivedSpan;

    public long DeadAfterMicros { get; } = deadAfterMicros;

    public long LastHeardMicros { get; private set; }

    /// <summary>Smoothed round-trip time; null until the first IHU.</summary>
    public TimeSpan? SmoothedRtt { get; private set; }

    /// <summary>Fraction of our hellos the peer missed, 0..1, as it last reported.</summary>
    public double Loss { get; private set; }

    public void Start(long nowMicros) => LastHeardMicros = nowMicros;

    /// <summary>Any authenticated frame from the peer proves the link alive.</summary>
    public void Heard(long nowMicros) => LastHeardMicros = Math.Max(LastHeardMicros, nowMicros);

    public bool IsDead(long nowMicros) => nowMicros - LastHeardMicros > DeadAfterMicros;

    public HelloPayload NextHello(long nowMicros, TimeSpan interval) =>
        new(_nextHelloSeqno++, (ushort)Math.Clamp(interval.TotalMilliseconds / 10, 1, ushort.MaxValue), (ulong)nowMicros);

    /// <summary>Records a hello from the peer and returns the IHU answering it.</summary>
    public IhuPayload AnswerHello(HelloPayload hello, long nowMicros)
    {
        Heard(nowMicros);
        if (_receivedSpan == 0)
        {
            _receivedBitmap = 1;
            _receivedSpan = 1;
            _lastReceivedSeqno = hello.Seqno;
        }
        else if ((ushort)(hello.Seqno - _lastReceivedSeqno) is var advance and > 0 and < 0x8000)
        {
            _receivedBitmap = advance >= 32 ? 1u : (_receivedBitmap << advance) | 1u;
            _receivedSpan = Math.Min(Window, _receivedSpan + advance);
            _lastReceivedSeqno = hello.Seqno;
        }

        var mask = _receivedSpan >= 32 ? uint.MaxValue : (1u << _receivedSpan) - 1;
        var received = (ushort)BitOperations.PopCount(_receivedBitmap & mask);
        return new IhuPayload(hello.SenderTimestampMicros, 0, received, (ushort)_receivedSpan);
    }

    /// <summary>Takes an IHU answering one of our hellos; false when it echoes a time in the future (forged or broken).</summary>
    public bool TakeIhu(IhuPayload ihu, long nowMicros)
    {
        var sample = nowMicros - (long)ihu.EchoedTimestampMicros - ihu.HoldDelayMicros;
        if ((long)ihu.EchoedTimestampMicros > nowMicros || sample < 0)
        {
            return false;
        }

        Heard(nowMicros);
        var rtt = TimeSpan.FromMicroseconds(sample);
        SmoothedRtt = SmoothedRtt is { } previous ? previous + ((rtt - previous) * SmoothingGain) : rtt;
        if (ihu.HellosExpected > 0 && ihu.HellosReceived <= ihu.HellosExpected)
        {
            Loss = 1.0 - ((double)ihu.HellosReceived / ihu.HellosExpected);
        }

        return true;
    }
}
