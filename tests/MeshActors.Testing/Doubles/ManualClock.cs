using MeshActors.DataPlane.Links;

namespace MeshActors.Testing.Doubles;

/// <summary>A data-plane clock tests move by hand; both clocks advance together. Thread safe.</summary>
public sealed class ManualClock(long startMonotonicMs = 1_000, long startUnixMs = 1_700_000_000_000) : IDataPlaneClock
{
    private long _offset;

    public long MonotonicMs => startMonotonicMs + Volatile.Read(ref _offset);

    public long UnixMs => startUnixMs + Volatile.Read(ref _offset);

    public void Advance(long milliseconds) => Interlocked.Add(ref _offset, milliseconds);
}
