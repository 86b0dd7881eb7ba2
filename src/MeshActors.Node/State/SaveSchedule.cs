namespace MeshActors.Node.State;

/// <summary>
/// When a changed section is saved: at once if the last save is at least <c>interval</c> old, else when it is, so a
/// burst of changes costs one write per interval (<c>state.write-interval</c>). Time is passed in.
/// </summary>
public sealed class SaveSchedule(TimeSpan interval)
{
    private DateTimeOffset _lastSave = DateTimeOffset.MinValue;

    public bool Changed { get; private set; }

    /// <summary>When the pending change should be saved; null when nothing changed.</summary>
    public DateTimeOffset? DueAt => Changed ? (_lastSave == DateTimeOffset.MinValue ? _lastSave : _lastSave + interval) : null;

    public void MarkChanged() => Changed = true;

    public bool IsDue(DateTimeOffset now) => DueAt is { } due && due <= now;

    public void Saved(DateTimeOffset now)
    {
        Changed = false;
        _lastSave = now;
    }
}
