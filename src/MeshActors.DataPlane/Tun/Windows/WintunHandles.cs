using System.Runtime.InteropServices;

namespace MeshActors.DataPlane.Tun.Windows;

/// <summary>
/// A Wintun adapter; closing it removes the adapter with its addresses and routes.
/// </summary>
internal sealed class WintunAdapterHandle : SafeHandle
{
    public WintunAdapterHandle(nint adapter)
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
        SetHandle(adapter);
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        WintunNative.WintunCloseAdapter(handle);
        return true;
    }
}

/// <summary>
/// A Wintun session (the packet rings). The SafeHandle reference count keeps the session alive while a reader or
/// writer is inside a Wintun call or parked on its events; it ends when the last one releases it, and only then
/// are the adapter and the device's shutdown event closed.
/// </summary>
internal sealed class WintunSessionHandle : SafeHandle
{
    private readonly WintunAdapterHandle _adapter;
    private readonly EventWaitHandle _shutdown;

    public WintunSessionHandle(nint session, WintunAdapterHandle adapter, EventWaitHandle shutdown)
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
        SetHandle(session);
        _adapter = adapter;
        _shutdown = shutdown;
    }

    public override bool IsInvalid => handle == 0;

    public nint Session => handle;

    protected override bool ReleaseHandle()
    {
        WintunNative.WintunEndSession(handle);
        _adapter.Dispose();
        _shutdown.Dispose();
        return true;
    }
}

/// <summary>Lets <see cref="WaitHandle.WaitAny(WaitHandle[])"/> wait on the session's read event without owning it.</summary>
internal sealed class BorrowedWaitHandle : WaitHandle
{
    public BorrowedWaitHandle(nint eventHandle)
    {
        SafeWaitHandle = new Microsoft.Win32.SafeHandles.SafeWaitHandle(eventHandle, ownsHandle: false);
    }
}
