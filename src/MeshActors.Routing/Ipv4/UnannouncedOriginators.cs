namespace MeshActors.Routing.Ipv4;

/// <summary>
/// Other originators of this node's address that have no name record. A node's record normally arrives with its
/// routes, but on a loaded machine the route can come first, and a record-less originator counts as configured, to
/// which even the smaller key yields: both nodes would move. So an originator counts only once it has gone without
/// a record for the grace period (the record refresh interval: a live announcing node's record arrives within it).
/// Not thread-safe: one owner.
/// </summary>
public sealed class UnannouncedOriginators(TimeSpan grace)
{
    private readonly Dictionary<string, long> _firstSeenMs = [];

    /// <summary>
    /// Called once per conflict check with the originators that have no record now; returns those that have had none
    /// for at least the grace period. Forgets any originator not passed, so one that announced starts over.
    /// </summary>
    public List<byte[]> Overdue(IReadOnlyCollection<byte[]> withoutRecord, long nowMs)
    {
        var overdue = new List<byte[]>();
        var current = new HashSet<string>();
        foreach (var key in withoutRecord)
        {
            var hex = Convert.ToHexString(key);
            current.Add(hex);
            if (!_firstSeenMs.TryGetValue(hex, out var since))
            {
                _firstSeenMs[hex] = since = nowMs;
            }

            if (nowMs - since >= grace.TotalMilliseconds)
            {
                overdue.Add(key);
            }
        }

        foreach (var gone in _firstSeenMs.Keys.Where(k => !current.Contains(k)).ToList())
        {
            _firstSeenMs.Remove(gone);
        }

        return overdue;
    }
}
