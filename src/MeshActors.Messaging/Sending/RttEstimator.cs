namespace MeshActors.Messaging.Sending;

/// <summary>
/// Round-trip estimate and retransmission timeout towards one destination (RFC 6298). Before the first sample the
/// timeout is initial-retransmit-interval; afterwards SRTT + 4 × RTTVAR, at least min-retransmit-interval. Each
/// timeout without progress doubles it, up to max-retransmit-interval; any newly acknowledged chunk resets the doubling.
/// Samples come only from chunks sent once (Karn), so a retransmission never skews the estimate. Time is passed in.
/// </summary>
internal sealed class RttEstimator(MessageBusSettings settings)
{
    /// <summary>Doublings kept at most: 2^20 × any sane floor is far beyond the cap, so the shift never overflows.</summary>
    private const int MaxBackoffExponent = 20;

    private TimeSpan? _smoothed;
    private TimeSpan _variation;
    private int _backoff;

    /// <summary>SRTT, or the initial timeout while nothing was measured.</summary>
    public TimeSpan Smoothed => _smoothed ?? settings.InitialRetransmitInterval;

    /// <summary>Smallest sample seen; <see cref="TimeSpan.MaxValue"/> before the first.</summary>
    public TimeSpan Min { get; private set; } = TimeSpan.MaxValue;

    public bool HasSample => _smoothed.HasValue;

    /// <summary>The current retransmission timeout, backoff included.</summary>
    public TimeSpan Timeout
    {
        get
        {
            var baseline = _smoothed is { } srtt
                ? Clamp(srtt + (4 * _variation), settings.MinRetransmitInterval, settings.MaxRetransmitInterval)
                : settings.InitialRetransmitInterval;
            var ticks = baseline.Ticks << _backoff;
            return ticks >= settings.MaxRetransmitInterval.Ticks || ticks <= 0 ? settings.MaxRetransmitInterval : TimeSpan.FromTicks(ticks);
        }
    }

    public void AddSample(TimeSpan rtt)
    {
        if (rtt < TimeSpan.Zero)
        {
            rtt = TimeSpan.Zero;
        }

        if (rtt < Min)
        {
            Min = rtt;
        }

        if (_smoothed is not { } srtt)
        {
            _smoothed = rtt;
            _variation = rtt / 2;
        }
        else
        {
            _variation = ((3 * _variation) + (srtt - rtt).Duration()) / 4;
            _smoothed = ((7 * srtt) + rtt) / 8;
        }
    }

    /// <summary>A timeout fired: double the timeout (up to the cap).</summary>
    public void BackOff() => _backoff = Math.Min(_backoff + 1, MaxBackoffExponent);

    /// <summary>The destination acknowledged something new: it is reachable, stop doubling.</summary>
    public void ResetBackoff() => _backoff = 0;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
