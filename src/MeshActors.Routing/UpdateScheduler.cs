namespace MeshActors.Routing;

/// <summary>
/// When updates go out: a batch of triggered updates (destinations marked dirty, flushed one coalescing window
/// after the first mark) and the periodic full dump. Holds no routes, only indices and deadlines.
/// </summary>
internal sealed class UpdateScheduler
{
    private readonly long _triggeredDelayMs;
    private readonly long _intervalMs;
    private readonly List<int> _dirty = new();

    public UpdateScheduler(RoutingTimers timers, long nowMs, long phaseMs)
    {
        _triggeredDelayMs = CoarseTime.Milliseconds(timers.TriggeredUpdateDelay);
        _intervalMs = CoarseTime.Milliseconds(timers.UpdateInterval);
        NextFullDumpMs = nowMs + (phaseMs % _intervalMs);
    }

    /// <summary>When the triggered batch is due; long.MaxValue when nothing is dirty.</summary>
    public long FlushAtMs { get; private set; } = long.MaxValue;

    public long NextFullDumpMs { get; private set; }

    public IReadOnlyList<int> Dirty => _dirty;

    /// <param name="urgent">
    /// Flush at once instead of after the coalescing window: retractions and seqno increases, which other nodes
    /// wait on to recover from a failure, pay no per-hop batching delay.
    /// </param>
    public void MarkDirty(ref Destination destination, int index, long nowMs, bool urgent = false)
    {
        if (!destination.Dirty)
        {
            destination.Dirty = true;
            _dirty.Add(index);
        }

        FlushAtMs = Math.Min(FlushAtMs, urgent ? nowMs : nowMs + _triggeredDelayMs);
    }

    /// <summary>Forget the batch after it was sent (or folded into a full dump); the caller clears the flags.</summary>
    public void ClearDirty()
    {
        _dirty.Clear();
        FlushAtMs = long.MaxValue;
    }

    public void FullDumpDone(long nowMs)
    {
        // Keep the phase: next dump one interval after the one just due, never in the past.
        NextFullDumpMs = Math.Max(NextFullDumpMs + _intervalMs, nowMs + 1);
    }
}
