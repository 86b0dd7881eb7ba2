using MeshActors.Crypto;

namespace MeshActors.Crypto.Tests;

public sealed class KeyFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("meshactors-key-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Missing_file_is_created_with_owner_only_mode_and_reloads_to_the_same_identity()
    {
        var path = Path.Combine(_directory, "priv_key.bin");

        var (created, wasCreated) = KeyFile.LoadOrCreate(path);
        var (loaded, loadedCreated) = KeyFile.LoadOrCreate(path);

        Assert.True(wasCreated);
        Assert.False(loadedCreated);
        Assert.Equal(created.Public, loaded.Public);
        Assert.Equal(32, new FileInfo(path).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void Wrong_size_file_is_an_error_and_is_left_untouched(int size)
    {
        var path = Path.Combine(_directory, "bad.bin");
        var content = Enumerable.Repeat((byte)0xab, size).ToArray();
        File.WriteAllBytes(path, content);

        var error = Assert.Throws<KeyFileException>(() => KeyFile.LoadOrCreate(path));

        Assert.Contains("exactly 32 bytes", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    [Fact]
    public void Create_refuses_to_overwrite_an_existing_file()
    {
        var path = Path.Combine(_directory, "exists.bin");
        File.WriteAllBytes(path, new byte[32]);

        Assert.Throws<KeyFileException>(() => KeyFile.Create(path));
    }

    [Fact]
    public void Creators_racing_for_the_same_key_file_all_end_with_the_one_key_written()
    {
        const int Racers = 8;
        for (var round = 0; round < 40; round++)
        {
            var path = Path.Combine(_directory, $"raced-{round}.bin");
            using var barrier = new Barrier(Racers);
            var results = new (string Key, bool Created)[Racers];
            var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var threads = Enumerable.Range(0, Racers).Select(i => new Thread(() =>
            {
                barrier.SignalAndWait();
                try
                {
                    var (identity, created) = KeyFile.LoadOrCreate(path);
                    using (identity)
                    {
                        results[i] = (identity.Public.ToString(), created);
                    }
                }
                catch (Exception e)
                {
                    failures.Add(e);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.Empty(failures);
            Assert.Single(results.Select(r => r.Key).Distinct());
            Assert.Single(results, r => r.Created);
            Assert.Equal(32, new FileInfo(path).Length);
        }

        Assert.Equal(40, Directory.GetFiles(_directory).Length);
    }
}
