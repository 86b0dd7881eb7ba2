namespace MeshActors.DataPlane.Tests.Tun;

/// <summary>
/// Holds an exclusive lock on one file in /tmp for as long as a test class that makes interfaces in the host's
/// network namespace runs. Those tests use fixed interface names and prefixes, so two test processes on one machine
/// (two worktrees, or CI beside a developer) would take each other's names; the lock makes them wait in turn.
/// .NET takes FileShare.None on Unix as an advisory flock, which the kernel drops if the process dies.
/// </summary>
public sealed class HostTunLock : IDisposable
{
    private static readonly string LockPath = Path.Combine(Path.GetTempPath(), "meshactors-host-tun-tests.lock");
    private static readonly TimeSpan WaitAtMost = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(200);

    private readonly FileStream _held;

    public HostTunLock()
    {
        var deadline = DateTime.UtcNow + WaitAtMost;
        while (true)
        {
            try
            {
                _held = new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(RetryEvery);
            }
        }
    }

    public void Dispose() => _held.Dispose();
}
