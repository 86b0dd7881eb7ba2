using System.Runtime.InteropServices;

namespace MeshActors.Node.State;

/// <summary>Flushes a folder's entries (a rename into it) to disk: fsync on the folder on Unix. Windows has no
/// folder handle to flush; its rename is journalled with the file's metadata.</summary>
internal static partial class FolderSync
{
    /// <summary>O_RDONLY | O_DIRECTORY (0x10000 on Linux x64/arm64) | O_CLOEXEC (0x80000).</summary>
    private const int OpenFolderFlags = 0x10000 | 0x80000;

    public static void Flush(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(folder, OpenFolderFlags);
        if (fd < 0)
        {
            return;
        }

        _ = FSync(fd);
        _ = Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
