namespace MeshActors.Messaging.Sending;

/// <summary>
/// How many chunks one destination may have unacknowledged (AIMD, RFC 5681 in chunks): slow start from
/// initial-send-window (+1 per chunk acked) until the first loss, then +1 per window acked; a loss detected from
/// acks halves it (not below <see cref="MinWindow"/>), a retransmission timeout drops it to <see cref="LossWindow"/>. Never above max-send-window,
/// which keeps one sender inside the receiver's bus inlet. Grows only while the window is what limits sending, so an
/// idle or application-limited destination does not build up a window it never tested.
/// </summary>
internal sealed class CongestionWindow(MessageBusSettings settings)
{
    /// <summary>Floor after a loss seen in acks, chunks: with four in flight, one lost chunk is still followed by
    /// later ones whose acks reveal it (the reason for TCP's dupthresh of 3 and early retransmit), so a lossy path
    /// keeps recovering from acks instead of falling back on the timer and its backoff.</summary>
    public const int MinWindow = 4;

    /// <summary>Window after a timeout, chunks: one probe per timeout while the destination does not answer.</summary>
    public const int LossWindow = 1;

    private double _window = settings.InitialSendWindow;
    private double _threshold = settings.MaxSendWindow;

    /// <summary>Whole chunks that may be unacknowledged now, 1…max-send-window.</summary>
    public int Size => Math.Max(LossWindow, (int)_window);

    /// <summary>True while growing exponentially (below the threshold set by the last loss).</summary>
    public bool InSlowStart => _window < _threshold;

    /// <summary><paramref name="chunks"/> newly acknowledged while <paramref name="inFlight"/> were outstanding.</summary>
    public void OnAcked(int chunks, int inFlight)
    {
        if (chunks <= 0 || inFlight * 2 < Size)
        {
            return;
        }

        _window += InSlowStart ? Math.Min(chunks, _threshold - _window) : chunks / _window;
        _window = Math.Min(_window, settings.MaxSendWindow);
    }

    /// <summary>A chunk sent after the last reduction was lost (seen in acks): halve once per window.</summary>
    public void OnLoss()
    {
        _threshold = Math.Max(_window / 2, MinWindow);
        _window = Math.Min(_window, _threshold);
    }

    /// <summary>The retransmission timer fired: remember half the window, restart from one chunk.</summary>
    public void OnTimeout()
    {
        _threshold = Math.Max(_window / 2, MinWindow);
        _window = LossWindow;
    }

    /// <summary>Idle for more than a timeout: the path may have changed, start no larger than the initial window
    /// (RFC 5681 §4.1), keeping what was learnt about the threshold.</summary>
    public void RestartAfterIdle() => _window = Math.Min(_window, settings.InitialSendWindow);
}
