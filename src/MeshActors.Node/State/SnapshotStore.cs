using System.Globalization;

namespace MeshActors.Node.State;

/// <summary>
/// The node's durable state on disk: one file per <see cref="SnapshotSection{T}"/> in the data folder (created 0700
/// on Unix). A save writes a temporary file (0600), flushes it to disk, renames it over the old file and flushes the
/// folder, so a crash at any moment leaves the old snapshot or the new one, never a mix. A load that finds the file
/// unusable (truncated, corrupt, unknown version, another node's, a type not on the allow-list, the wrong record)
/// moves it aside as <c>NAME.bad-TIMESTAMP</c> and reports why; the caller starts that section clean. Each section
/// has one owner (the actor that keeps that state), so calls for one section never overlap; different sections may.
/// </summary>
public sealed class SnapshotStore
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly byte[] _owner;
    private readonly SnapshotSerializer _serializer;

    private SnapshotStore(string directory, byte[] owner, SnapshotSerializer serializer)
    {
        Directory = directory;
        _owner = owner;
        _serializer = serializer;
    }

    public string Directory { get; }

    /// <summary>Opens (creating when missing) the data folder of the node whose public key is <paramref name="owner"/>.</summary>
    /// <exception cref="IOException">The folder cannot be created or is not a folder.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be created.</exception>
    public static SnapshotStore Open(string directory, ReadOnlySpan<byte> owner, SnapshotSerializer? serializer = null)
    {
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            if (OperatingSystem.IsWindows())
            {
                System.IO.Directory.CreateDirectory(full);
            }
            else
            {
                System.IO.Directory.CreateDirectory(full, OwnerOnlyFolder);
            }
        }

        return new SnapshotStore(full, owner.ToArray(), serializer ?? new SnapshotSerializer());
    }

    public string PathOf<T>(SnapshotSection<T> section)
        where T : class => Path.Combine(Directory, section.FileName);

    /// <summary>Serializes <paramref name="state"/> and replaces the section's file atomically; returns the file's size.</summary>
    public long Save<T>(SnapshotSection<T> section, T state)
        where T : class
    {
        var file = SnapshotFile.Encode(section.Version, _owner, _serializer.Serialize(state));
        var path = PathOf(section);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(file);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        FolderSync.Flush(Directory);
        return file.Length;
    }

    /// <summary>The section's saved state: missing (no file), loaded, or refused and moved aside (with the reason).</summary>
    public SnapshotLoad<T> Load<T>(SnapshotSection<T> section)
        where T : class
    {
        var path = PathOf(section);
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > SnapshotFile.HeaderSize + (long)SnapshotFile.MaxPayloadSize)
            {
                return MoveAside<T>(path, $"too large: {length} bytes");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return SnapshotLoad<T>.Missing;
        }

        if (!SnapshotFile.TryDecode(bytes, section.Version, _owner, out var payload, out var problem))
        {
            return MoveAside<T>(path, problem);
        }

        object state;
        try
        {
            state = _serializer.Deserialize(payload);
        }
        catch (Exception e)
        {
            // Whatever the serializer throws (a type off the allow-list, a damaged field), the file is refused, never the node.
            return MoveAside<T>(path, $"cannot be read: {e.GetBaseException().Message}");
        }

        return state is T typed ? new SnapshotLoad<T>(typed, null, null) : MoveAside<T>(path, $"holds a {state?.GetType().Name ?? "null"}, not a {typeof(T).Name}");
    }

    private static SnapshotLoad<T> MoveAside<T>(string path, string problem)
        where T : class
    {
        var aside = $"{path}.bad-{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}";
        File.Move(path, aside, overwrite: true);
        return new SnapshotLoad<T>(null, problem, aside);
    }
}

/// <summary>What <see cref="SnapshotStore.Load{T}"/> found: <see cref="State"/>, or with <see cref="Problem"/> set the file
/// was refused and moved to <see cref="MovedTo"/>; both null: there was no file.</summary>
public sealed record SnapshotLoad<T>(T? State, string? Problem, string? MovedTo)
    where T : class
{
    public static readonly SnapshotLoad<T> Missing = new(null, null, null);
}
