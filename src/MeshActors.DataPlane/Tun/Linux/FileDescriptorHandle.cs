using System.Runtime.InteropServices;

namespace MeshActors.DataPlane.Tun.Linux;

/// <summary>
/// Owns one Linux file descriptor. The SafeHandle reference count keeps the number from being closed (and
/// reused by another open) while a call that borrowed it is still inside a system call: disposing only marks
/// the handle, and the close happens when the last borrower releases it.
/// </summary>
internal sealed class FileDescriptorHandle : SafeHandle
{
    private readonly ManualResetEventSlim _closed = new();

    public FileDescriptorHandle(int fd)
        : base(invalidHandleValue: -1, ownsHandle: true)
    {
        SetHandle(fd);
    }

    public override bool IsInvalid => handle == -1;

    public int Fd => (int)handle;

    /// <summary>Waits until the descriptor has really been closed; false if that took longer than the timeout.</summary>
    public bool WaitClosed(TimeSpan timeout) => _closed.Wait(timeout);

    protected override bool ReleaseHandle()
    {
        var ok = LinuxNative.Close((int)handle) == 0;
        _closed.Set();
        return ok;
    }
}
