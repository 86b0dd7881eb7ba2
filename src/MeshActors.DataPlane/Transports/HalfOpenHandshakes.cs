using MeshActors.DataPlane.Links;

namespace MeshActors.DataPlane.Transports;

/// <summary>
/// The XX handshakes a UDP endpoint answered and whose finish has not arrived: each holds a session index and the
/// responder's half-open state. At most <see cref="LinkOptions.MaxHalfOpen"/> (the oldest is forgotten first, as the
/// responder itself does) and none older than the handshake timeout, so a flood of initiations costs bounded memory
/// and no index leaks. Owned by the endpoint's reader thread; not thread safe.
/// </summary>
internal sealed class HalfOpenHandshakes(LinkEnvironment env, ListenerStats stats)
{
    private readonly Queue<(uint Index, long StartedMs)> _order = new();
    private readonly HashSet<uint> _live = [];

    public void Track(uint index)
    {
        _live.Add(index);
        _order.Enqueue((index, env.Clock.MonotonicMs));
        while (_order.Count > env.Options.MaxHalfOpen)
        {
            Forget(_order.Dequeue().Index);
        }
    }

    /// <summary>The finish arrived (accepted or refused by the responder, which dropped its state either way).</summary>
    public void Finished(uint index)
    {
        if (_live.Remove(index))
        {
            env.Indexes.Release(index);
        }
    }

    /// <summary>The finish arrived and established a session, which now owns the index.</summary>
    public void Established(uint index) => _live.Remove(index);

    public void Expire(long now)
    {
        while (_order.TryPeek(out var oldest) && now - oldest.StartedMs >= env.Options.HandshakeTimeoutMs)
        {
            _order.Dequeue();
            if (_live.Contains(oldest.Index))
            {
                stats.Events.Increment(HandshakeEvent.TimedOut);
            }

            Forget(oldest.Index);
        }
    }

    private void Forget(uint index)
    {
        if (_live.Remove(index))
        {
            env.Responder.Forget(index);
            env.Indexes.Release(index);
        }
    }
}
