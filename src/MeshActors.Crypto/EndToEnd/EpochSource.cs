namespace MeshActors.Crypto.EndToEnd;

/// <summary>
/// Hands out strictly increasing epochs: the wall clock in Unix milliseconds, or one more than the last epoch when
/// the clock has not moved. Each epoch keys a fresh send direction, so counters may restart at zero without ever
/// reusing a nonce under a key — also across restarts, as long as the wall clock does not go back (the handshake's
/// initiation timestamps rely on the same property). Thread safe, lock free.
/// </summary>
internal sealed class EpochSource(Func<long> wallClockMs)
{
    private long _last;

    public ulong Next()
    {
        while (true)
        {
            var last = Volatile.Read(ref _last);
            var next = Math.Max(wallClockMs(), last + 1);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return (ulong)next;
            }
        }
    }
}
