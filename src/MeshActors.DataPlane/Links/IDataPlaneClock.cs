namespace MeshActors.DataPlane.Links;

/// <summary>The two clocks the data plane needs, injectable so tests can age sessions without waiting.</summary>
public interface IDataPlaneClock
{
    /// <summary>Monotonic milliseconds (session ages, timeouts); never goes back.</summary>
    long MonotonicMs { get; }

    /// <summary>Wall clock in Unix milliseconds: handshake initiation timestamps and end-to-end epochs.</summary>
    long UnixMs { get; }
}

public sealed class SystemDataPlaneClock : IDataPlaneClock
{
    public static SystemDataPlaneClock Instance { get; } = new();

    private SystemDataPlaneClock()
    {
    }

    public long MonotonicMs => Environment.TickCount64;

    public long UnixMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
