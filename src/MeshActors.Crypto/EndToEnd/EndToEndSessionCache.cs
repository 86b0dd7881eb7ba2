using System.Collections.Concurrent;
using MeshActors.Protocol.Data;

namespace MeshActors.Crypto.EndToEnd;

/// <summary>
/// One node's end-to-end sessions, at most <c>capacity</c> peers. Lookups are lock-free dictionary reads (no
/// allocation); creating a session (one X25519, ~55 µs) and evicting one take a lock. Eviction is the clock
/// algorithm: a hand sweeps the slots, clearing each session's referenced bit and evicting the first one that
/// was not used since the last sweep — LRU's effect without a list to update on every packet.
/// Receiving creates a session only after a packet under it verifies, so forged sources cannot fill the cache.
/// Evicted sessions are not disposed: a forwarding thread may still be sealing with one; their NSec keys are
/// freed by their safe handles once unreachable.
/// A receiver forgets a peer's epoch with its session: after an eviction, a captured packet of that peer's current
/// epoch could be replayed once per window position. Size the cache above the number of active peers.
/// </summary>
public sealed class EndToEndSessionCache
{
    private readonly NodeIdentity _local;
    private readonly EpochSource _epochs;
    private readonly ConcurrentDictionary<IdentityKey, EndToEndSession> _sessions = new();
    private readonly EndToEndSession?[] _slots;
    private readonly Lock _lock = new();
    private readonly bool _localAes;
    private int _hand;

    /// <param name="wallClockMs">Unix milliseconds, the source of send epochs (must not go back across restarts).</param>
    /// <param name="offerAes">Whether to offer AES-256-GCM (default and cap: this machine has AES hardware, as NSec reports).</param>
    public EndToEndSessionCache(NodeIdentity local, int capacity, Func<long> wallClockMs, bool offerAes = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _local = local;
        _localAes = offerAes && NSec.Cryptography.Aes256Gcm.IsSupported;
        _slots = new EndToEndSession?[capacity];
        _epochs = new EpochSource(wallClockMs);
    }

    public int Capacity => _slots.Length;

    public int Count => _sessions.Count;

    public EndToEndCounters Counters { get; } = new();

    /// <summary>Every cached session (safe to enumerate while the data plane uses the cache).</summary>
    public IEnumerable<EndToEndSession> Sessions => _sessions.Values;

    /// <summary>The session for sending to <paramref name="peer"/>, created on first use. Null only for an unusable key.</summary>
    public EndToEndSession? GetOrCreate(PublicIdentity peer)
    {
        if (_sessions.TryGetValue(IdentityKey.From(peer.Bytes), out var session))
        {
            return session;
        }

        var created = EndToEndSession.TryCreate(_local, peer, _epochs, _localAes);
        return created is null ? null : Insert(created);
    }

    /// <summary>Seals with <paramref name="session"/> and counts it; see <see cref="EndToEndSession.Seal"/>.</summary>
    public int Seal(EndToEndSession session, Span<byte> payload, int innerLength, byte hopLimit, ReadOnlySpan<byte> destination)
    {
        var length = session.Seal(payload, innerLength, hopLimit, destination);
        Counters.Events.Increment(EndToEndEvent.Sealed);
        return length;
    }

    /// <summary>
    /// Opens a received Data payload (header validated by the caller) with the session of its source identity,
    /// creating that session when the packet verifies under it. <paramref name="source"/> is the authenticated peer.
    /// </summary>
    public EndToEndStatus Open(Span<byte> payload, out int innerLength, out EndToEndSession? source)
    {
        var status = OpenUncounted(payload, out innerLength, out source);
        Counters.Opens.Increment(status);
        return status;
    }

    private EndToEndStatus OpenUncounted(Span<byte> payload, out int innerLength, out EndToEndSession? source)
    {
        source = null;
        innerLength = 0;
        if (payload.Length < InnerLayout.Overhead)
        {
            return EndToEndStatus.Malformed;
        }

        var identity = DataHeader.SourceIdentity(payload);
        if (_sessions.TryGetValue(IdentityKey.From(identity), out var known))
        {
            source = known;
            return known.Open(payload, out innerLength);
        }

        if (identity.SequenceEqual(_local.Public.Bytes) || !PublicIdentity.TryFromBytes(identity, out var peer))
        {
            return EndToEndStatus.BadIdentity;
        }

        var candidate = EndToEndSession.TryCreate(_local, peer, _epochs, _localAes);
        if (candidate is null)
        {
            return EndToEndStatus.BadIdentity;
        }

        var status = candidate.Open(payload, out innerLength);
        if (status == EndToEndStatus.Opened)
        {
            source = Insert(candidate);
        }

        return status;
    }

    /// <summary>Adds a session, or returns the one another thread added first; evicts when full.</summary>
    private EndToEndSession Insert(EndToEndSession session)
    {
        lock (_lock)
        {
            var key = IdentityKey.From(session.Peer.Bytes);
            if (_sessions.TryGetValue(key, out var existing))
            {
                return existing;
            }

            var slot = FindSlot();
            if (_slots[slot] is { } victim)
            {
                _sessions.TryRemove(IdentityKey.From(victim.Peer.Bytes), out _);
                Counters.Events.Increment(EndToEndEvent.SessionsEvicted);
            }

            _slots[slot] = session;
            _sessions[key] = session;
            Counters.Events.Increment(EndToEndEvent.SessionsCreated);
            return session;
        }
    }

    /// <summary>An empty slot, else the first unreferenced session under the hand (referenced ones get a second chance).</summary>
    private int FindSlot()
    {
        // Two laps at most: the first clears every referenced bit, so the second finds a victim.
        for (var step = 0; step < 2 * _slots.Length; step++)
        {
            var index = _hand;
            _hand = (_hand + 1) % _slots.Length;
            var session = _slots[index];
            if (session is null || Interlocked.Exchange(ref session.Referenced, 0) == 0)
            {
                return index;
            }
        }

        return _hand;
    }
}
