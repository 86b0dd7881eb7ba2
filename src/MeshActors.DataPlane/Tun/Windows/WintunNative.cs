using System.Runtime.InteropServices;

namespace MeshActors.DataPlane.Tun.Windows;

/// <summary>
/// The wintun.dll (Wintun 0.14 API) entry points the Windows TUN device uses, and the Win32 error codes they
/// report through <see cref="Marshal.GetLastPInvokeError"/>. wintun.dll must sit next to the executable.
/// </summary>
internal static unsafe partial class WintunNative
{
    private const string Library = "wintun";

    /// <summary>Ring sizes Wintun accepts, in bytes (a power of two in this range).</summary>
    public const uint MinRingCapacity = 0x20000;
    public const uint MaxRingCapacity = 0x4000000;

    /// <summary>Largest packet Wintun carries, in bytes.</summary>
    public const int MaxIpPacketSize = 0xFFFF;

    public const int ErrorAccessDenied = 5;
    public const int ErrorInvalidData = 13;
    public const int ErrorHandleEof = 38;
    public const int ErrorBufferOverflow = 111;
    public const int ErrorNoMoreItems = 259;

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
    public static partial nint WintunCreateAdapter(string name, string tunnelType, Guid* requestedGuid);

    [LibraryImport(Library)]
    public static partial void WintunCloseAdapter(nint adapter);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint WintunStartSession(nint adapter, uint capacity);

    [LibraryImport(Library)]
    public static partial void WintunEndSession(nint session);

    /// <summary>The session owns this event; never close it.</summary>
    [LibraryImport(Library)]
    public static partial nint WintunGetReadWaitEvent(nint session);

    [LibraryImport(Library, SetLastError = true)]
    public static partial byte* WintunReceivePacket(nint session, uint* packetSize);

    [LibraryImport(Library)]
    public static partial void WintunReleaseReceivePacket(nint session, byte* packet);

    [LibraryImport(Library, SetLastError = true)]
    public static partial byte* WintunAllocateSendPacket(nint session, uint packetSize);

    [LibraryImport(Library)]
    public static partial void WintunSendPacket(nint session, byte* packet);
}
