namespace MeshActors.DataPlane.Forwarding;

/// <summary>
/// Token bucket for the hop-limit notices a relay sends, as routers limit the ICMP errors they originate: a routing
/// loop or a flood of expiring payloads costs at most <see cref="PerSecond"/> notices a second (bursts of as many).
/// Any thread (a lock: only payloads that already expired come here); time in monotonic milliseconds passed in.
/// </summary>
internal sealed class NoticeRateLimit
{
    public const int PerSecond = 100;

    private const long FullMilli = PerSecond * 1000L;

    private readonly Lock _lock = new();
    private long _tokensMilli = FullMilli;
    private long _lastMs = -1;

    public bool TryTake(long nowMs)
    {
        lock (_lock)
        {
            if (_lastMs >= 0)
            {
                _tokensMilli = Math.Min(FullMilli, _tokensMilli + (Math.Max(0, nowMs - _lastMs) * PerSecond));
            }

            _lastMs = nowMs;
            if (_tokensMilli < 1000)
            {
                return false;
            }

            _tokensMilli -= 1000;
            return true;
        }
    }
}
