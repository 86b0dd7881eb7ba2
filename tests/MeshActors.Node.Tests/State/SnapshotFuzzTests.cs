using MeshActors.Messaging;
using MeshActors.Messaging.Persistence;
using MeshActors.Node.State;

namespace MeshActors.Node.Tests.State;

/// <summary>
/// Seeded fuzz of the load path a starting node runs (store load, then bus restore): truncated, bit-flipped, spliced
/// and random files, and damaged payloads behind a correct header and checksum (so the serializer itself sees the
/// damage). Every outcome is a loaded state or a refused, moved-aside file; nothing throws.
/// </summary>
public sealed class SnapshotFuzzTests : IDisposable
{
    private static readonly byte[] Owner = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"ma-fuzz-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Damaged_snapshots_are_loaded_or_refused_never_thrown(int seed)
    {
        var random = new Random(seed);
        var store = SnapshotStore.Open(_folder, Owner);
        store.Save(StateSections.Bus, SnapshotStoreTests.SampleBus(5));
        var path = store.PathOf(StateSections.Bus);
        var valid = File.ReadAllBytes(path);
        var validPayload = valid[SnapshotFile.HeaderSize..];
        var (loaded, refused) = (0, 0);

        for (var round = 0; round < 250; round++)
        {
            var damaged = (round % 5) switch
            {
                0 => valid[..random.Next(valid.Length)],
                1 => Flip(valid, random, 1 + random.Next(8)),
                2 => SnapshotFile.Encode(StateSections.Bus.Version, Owner, Flip(validPayload, random, 1 + random.Next(4))),
                3 => SnapshotFile.Encode(StateSections.Bus.Version, Owner, validPayload[..random.Next(validPayload.Length)]),
                _ => Garbage(random, valid),
            };
            File.WriteAllBytes(path, damaged);

            var load = store.Load(StateSections.Bus);
            if (load.State is { } state)
            {
                new MessageBusCore(new MessageBusSettings(), new RandomMessageIdSource()).Restore(state, DateTimeOffset.UnixEpoch);
                loaded++;
            }
            else
            {
                Assert.NotNull(load.Problem);
                Assert.True(File.Exists(load.MovedTo));
                File.Delete(load.MovedTo!);
                refused++;
            }
        }

        Assert.True(refused > 180, $"{refused} refused, {loaded} loaded");
    }

    private static byte[] Flip(byte[] source, Random random, int bits)
    {
        var copy = (byte[])source.Clone();
        for (var i = 0; i < bits && copy.Length > 0; i++)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }

    /// <summary>Random bytes, sometimes behind the valid file's header so the magic and versions pass.</summary>
    private static byte[] Garbage(Random random, byte[] valid)
    {
        var bytes = new byte[random.Next(0, 400)];
        random.NextBytes(bytes);
        return random.Next(2) == 0 ? bytes : [.. valid[..SnapshotFile.HeaderSize], .. bytes];
    }
}
