using System.Security.Cryptography;

namespace MeshActors.Crypto;

/// <summary>A key file that exists but cannot be used. Never replaced silently: the operator decides.</summary>
public sealed class KeyFileException(string path, string problem)
    : Exception($"key file '{path}': {problem}")
{
    public string Path { get; } = path;
}

/// <summary>
/// The node's secret key file: exactly 32 raw bytes (the identity seed), mode 0600 on Unix.
/// </summary>
public static class KeyFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Loads the seed at <paramref name="path"/>, creating a fresh one first when the file is missing.</summary>
    /// <returns>The identity and whether the file was created now.</returns>
    public static (NodeIdentity Identity, bool Created) LoadOrCreate(string path)
    {
        RefuseDirectory(path);
        if (!File.Exists(path))
        {
            try
            {
                return (Create(path), true);
            }
            catch (KeyFileException) when (File.Exists(path))
            {
                // Another process (a node and an `inspect` started together) created it first: use that key,
                // allowing the winner the moment it needs to write its 32 bytes.
                return (LoadWhenComplete(path), false);
            }
        }

        // It may exist only since a moment ago, created by a racing process that has not written its bytes yet.
        return (LoadWhenComplete(path), false);
    }

    /// <summary>Longest wait for a concurrently created key file to reach its full size, ms.</summary>
    private const int ConcurrentCreateWaitMs = 1000;

    private static NodeIdentity LoadWhenComplete(string path)
    {
        var deadline = Environment.TickCount64 + ConcurrentCreateWaitMs;
        while (new FileInfo(path).Length < NodeIdentity.SeedSize && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(10);
        }

        return Load(path);
    }

    public static NodeIdentity Load(string path)
    {
        RefuseDirectory(path);
        byte[] seed;
        try
        {
            var length = new FileInfo(path).Length;
            if (length != NodeIdentity.SeedSize)
            {
                throw new KeyFileException(path, $"must hold exactly {NodeIdentity.SeedSize} bytes, has {length}; refusing to replace it");
            }

            seed = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException(path, $"cannot be read ({e.Message})");
        }

        try
        {
            return NodeIdentity.FromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Writes a fresh random seed to a new file (fails if it exists) and returns its identity.</summary>
    public static NodeIdentity Create(string path)
    {
        RefuseDirectory(path);
        var seed = RandomNumberGenerator.GetBytes(NodeIdentity.SeedSize);
        try
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerReadWrite;
            }

            using (var stream = new FileStream(path, options))
            {
                stream.Write(seed);
                stream.Flush(flushToDisk: true);
            }

            return NodeIdentity.FromSeed(seed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException(path, $"cannot be created ({e.Message})");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>A directory where the key file should be is the operator's slip: say so rather than "already exists".</summary>
    private static void RefuseDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            throw new KeyFileException(path, "is a directory; give the path of a key file (for example DIR/priv_key.bin)");
        }
    }
}
