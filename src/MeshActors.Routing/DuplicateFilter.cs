namespace MeshActors.Routing;

/// <summary>
/// Suppresses re-flooding of gossip and name messages already seen. Ids live in rotating generations: an id is
/// remembered for between <c>generations − 1</c> and <c>generations</c> generation lengths, and each generation holds at
/// most <c>capacityPerGeneration</c> ids, so memory stays bounded even under a flood of fresh ids (when a
/// generation fills up early it rotates early, shortening memory rather than growing it). Not thread-safe.
/// </summary>
public sealed class DuplicateFilter<TId>
    where TId : notnull
{
    private readonly HashSet<TId>[] _generations;
    private readonly int _capacityPerGeneration;
    private readonly TimeSpan _generationLength;
    private int _current;
    private TimeSpan _currentStartedAt;

    /// <param name="generationLength">Age at which the newest generation is retired into the older ones.</param>
    /// <param name="generations">Number of generations kept (at least 2, so an id never vanishes at a rotation).</param>
    /// <param name="capacityPerGeneration">Most ids per generation; memory bound is generations × this.</param>
    public DuplicateFilter(TimeSpan generationLength, int generations, int capacityPerGeneration, TimeSpan now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(generations, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityPerGeneration, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(generationLength, TimeSpan.Zero);
        _generationLength = generationLength;
        _capacityPerGeneration = capacityPerGeneration;
        _generations = new HashSet<TId>[generations];
        for (var i = 0; i < generations; i++)
        {
            _generations[i] = new HashSet<TId>();
        }

        _currentStartedAt = now;
    }

    /// <summary>Ids currently remembered.</summary>
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var generation in _generations)
            {
                count += generation.Count;
            }

            return count;
        }
    }

    /// <summary>Records <paramref name="id"/>; true when it is new (flood it), false when seen recently (drop it).</summary>
    public bool TryAdd(TId id, TimeSpan now)
    {
        Rotate(now);
        foreach (var generation in _generations)
        {
            if (generation.Contains(id))
            {
                return false;
            }
        }

        if (_generations[_current].Count >= _capacityPerGeneration)
        {
            Advance(now);
        }

        _generations[_current].Add(id);
        return true;
    }

    private void Rotate(TimeSpan now)
    {
        // After a long silence all generations are stale: rotating more than their number clears everything.
        for (var i = 0; i < _generations.Length && now - _currentStartedAt >= _generationLength; i++)
        {
            Advance(_currentStartedAt + _generationLength);
        }

        if (now - _currentStartedAt >= _generationLength)
        {
            _currentStartedAt = now;
        }
    }

    private void Advance(TimeSpan startedAt)
    {
        _current = (_current + 1) % _generations.Length;
        _generations[_current].Clear();
        _currentStartedAt = startedAt;
    }
}
