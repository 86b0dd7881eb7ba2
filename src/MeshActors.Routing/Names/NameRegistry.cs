using MeshActors.Protocol.Names;

namespace MeshActors.Routing.Names;

/// <summary>
/// The mesh's names as this node sees them: at most one live signed record per key, and who owns each name.
/// A name belongs to the claim with the earliest claimed-at (ties: the smaller key); every other claim of it is
/// refused until the owner's record moves to another name, releases it (an empty name) or expires. Only a record
/// signed by a key changes that key's claim, so only the owner's key can release or move its name.
/// Checks, cheapest first: expired or from the future, signature, duplicate (flood copies), replay (not newer than
/// the key's record here), table size. Time is passed in (Unix milliseconds). Not thread-safe: one owner.
/// </summary>
public sealed class NameRegistry
{
    /// <summary>Duplicate-filter generation length, generations and size: a flooded copy arrives within seconds; a
    /// copy older than that is refused as a replay anyway (its key's record is at least as new).</summary>
    private static readonly TimeSpan FilterGeneration = TimeSpan.FromSeconds(30);
    private const int FilterGenerations = 3;

    private readonly Func<NameRecord, bool> _verify;
    private readonly NameRegistrySettings _settings;
    private readonly DuplicateFilter<(long, long, long, long)> _seen;
    private readonly Dictionary<KeyBytes, Entry> _byKey = [];
    private readonly Dictionary<string, List<KeyBytes>> _claimants = new(StringComparer.Ordinal);
    private readonly Dictionary<NameOutcome, long> _counts = Enum.GetValues<NameOutcome>().ToDictionary(o => o, _ => 0L);

    /// <param name="verify">Checks a record's signature under its key (the Crypto layer's Ed25519).</param>
    public NameRegistry(Func<NameRecord, bool> verify, NameRegistrySettings settings, long nowMs)
    {
        _verify = verify;
        _settings = settings;
        _seen = new DuplicateFilter<(long, long, long, long)>(FilterGeneration, FilterGenerations, settings.MaxRecords, TimeSpan.FromMilliseconds(nowMs));
    }

    /// <summary>Records offered so far, by outcome.</summary>
    public IReadOnlyDictionary<NameOutcome, long> Counts => _counts;

    public int Count => _byKey.Count;

    /// <summary>Checks and, when new and valid, stores <paramref name="record"/>. Only <see cref="NameOutcome.Accepted"/>
    /// records are to be flooded on.</summary>
    public NameOutcome Offer(NameRecord record, long nowMs)
    {
        var outcome = Check(record, nowMs);
        _counts[outcome]++;
        if (outcome == NameOutcome.Accepted)
        {
            Store(record);
        }

        return outcome;
    }

    /// <summary>Drops every record whose lifetime is over; returns the keys whose record went.</summary>
    public IReadOnlyList<NameRecord> Expire(long nowMs)
    {
        var expired = _byKey.Values.Where(e => e.Record.ExpiresAtMs <= nowMs).Select(e => e.Record).ToList();
        foreach (var record in expired)
        {
            Remove(new KeyBytes(record.Key));
        }

        return expired;
    }

    /// <summary>The claim of the key, if it has a live record here.</summary>
    public NameClaim? ClaimOf(ReadOnlySpan<byte> key) =>
        _byKey.TryGetValue(new KeyBytes(key.ToArray()), out var entry) ? Describe(entry) : null;

    /// <summary>The owning claim of <paramref name="name"/>, or null when nobody claims it.</summary>
    public NameClaim? OwnerOf(string name) =>
        _claimants.TryGetValue(name, out var keys) ? Describe(_byKey[Owner(keys)]) : null;

    /// <summary>Every live record, owners and refused claims alike.</summary>
    public IReadOnlyList<NameClaim> Claims() => [.. _byKey.Values.Select(Describe)];

    private NameOutcome Check(NameRecord record, long nowMs)
    {
        if (record.ExpiresAtMs <= nowMs)
        {
            return NameOutcome.Expired;
        }

        if (record.IssuedAtMs > nowMs + (long)_settings.MaxClockSkew.TotalMilliseconds)
        {
            return NameOutcome.FromFuture;
        }

        if (!_verify(record))
        {
            return NameOutcome.Forged;
        }

        // Only verified records enter the filter, so a forgery cannot shadow the genuine record it copies an id from.
        if (!_seen.TryAdd(FloodId(record), TimeSpan.FromMilliseconds(nowMs)))
        {
            return NameOutcome.Duplicate;
        }

        var key = new KeyBytes(record.Key);
        if (_byKey.TryGetValue(key, out var known))
        {
            return record.IssuedAtMs > known.Record.IssuedAtMs ? NameOutcome.Accepted : NameOutcome.Replayed;
        }

        return _byKey.Count >= _settings.MaxRecords ? NameOutcome.TableFull : NameOutcome.Accepted;
    }

    private void Store(NameRecord record)
    {
        var key = new KeyBytes(record.Key);
        var claimedAt = record.ClaimedAtMs;
        if (_byKey.TryGetValue(key, out var previous))
        {
            if (previous.Record.Name == record.Name && previous.ClaimedAtMs < claimedAt)
            {
                // The key held this name here already: a restarted owner keeps its place in line.
                claimedAt = previous.ClaimedAtMs;
            }

            Remove(key);
        }

        _byKey[key] = new Entry(record, claimedAt);
        if (record.HasName)
        {
            if (!_claimants.TryGetValue(record.Name, out var keys))
            {
                _claimants[record.Name] = keys = [];
            }

            keys.Add(key);
        }
    }

    private void Remove(KeyBytes key)
    {
        if (!_byKey.Remove(key, out var entry) || !entry.Record.HasName)
        {
            return;
        }

        var keys = _claimants[entry.Record.Name];
        keys.Remove(key);
        if (keys.Count == 0)
        {
            _claimants.Remove(entry.Record.Name);
        }
    }

    private NameClaim Describe(Entry entry) =>
        new(entry.Record, entry.ClaimedAtMs, entry.Record.HasName && Owner(_claimants[entry.Record.Name]).Equals(new KeyBytes(entry.Record.Key)));

    private KeyBytes Owner(List<KeyBytes> keys)
    {
        var owner = keys[0];
        foreach (var key in keys)
        {
            var (a, b) = (_byKey[key].ClaimedAtMs, _byKey[owner].ClaimedAtMs);
            if (a < b || (a == b && key.CompareTo(owner) < 0))
            {
                owner = key;
            }
        }

        return owner;
    }

    /// <summary>A flood copy is the same signed record: its signature's first 32 bytes (Ed25519's R, which depends on
    /// key and message) identify it.</summary>
    private static (long, long, long, long) FloodId(NameRecord record)
    {
        var s = record.Signature.AsSpan();
        return (BitConverter.ToInt64(s), BitConverter.ToInt64(s[8..]), BitConverter.ToInt64(s[16..]), BitConverter.ToInt64(s[24..]));
    }

    private sealed record Entry(NameRecord Record, long ClaimedAtMs);
}
