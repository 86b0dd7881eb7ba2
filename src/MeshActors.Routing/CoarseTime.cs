namespace MeshActors.Routing;

/// <summary>
/// Expiry deadlines stored in per-route structs use 100 ms units in an int (range 6.8 years) instead of a
/// 64-bit timestamp, which keeps a route entry at 16 bytes. 100 ms is far below any routing timer.
/// </summary>
internal static class CoarseTime
{
    public const long MillisecondsPerUnit = 100;

    public static long Milliseconds(TimeSpan time) => time.Ticks / TimeSpan.TicksPerMillisecond;

    public static int FromMilliseconds(long milliseconds) => (int)(milliseconds / MillisecondsPerUnit);
}
