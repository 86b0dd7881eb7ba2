using MeshActors.Messaging.Persistence;
using MeshActors.Node.State;

namespace MeshActors.Node.Tests.State;

public sealed class SnapshotStoreTests : IDisposable
{
    private static readonly byte[] Owner = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"ma-state-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    internal static BusState SampleBus(int messages = 3) => new(
        [.. Enumerable.Range(0, messages).Select(i => new PendingOutbound(
            (ulong)i + 1, Owner, "topic"u8.ToArray(), new byte[100 + i], i % 2 == 0, 42, 1000, 2000, [0b101UL]))],
        [new StoredInbound(Owner, 9, [], "hi"u8.ToArray(), false, 0, 1500)],
        [new DeliveredMark(Owner, 9, 3000)]);

    [Fact]
    public void Folder_is_created_owner_only_and_every_section_round_trips()
    {
        var store = SnapshotStore.Open(_folder, Owner);
        store.Save(StateSections.Bus, SampleBus());
        store.Save(StateSections.Peers, new LearnedPeers(["tcp://127.0.0.1:1000", "udp://[::1]:2000"]));
        store.Save(StateSections.RouteSeqno, new OwnRouteSeqno(65535));

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.PathOf(StateSections.Bus)));
        }

        var reopened = SnapshotStore.Open(_folder, Owner);
        var bus = reopened.Load(StateSections.Bus).State!;
        Assert.Equal(3, bus.Outbound.Length);
        Assert.Equal(new byte[102], bus.Outbound[2].Payload);
        Assert.Equal([0b101UL], bus.Outbound[0].AckedChunks);
        Assert.Equal((9UL, 3000L), (bus.Delivered[0].Id, bus.Delivered[0].ExpiresTicks));
        Assert.Equal(["tcp://127.0.0.1:1000", "udp://[::1]:2000"], reopened.Load(StateSections.Peers).State!.Endpoints);
        Assert.Equal(65535, reopened.Load(StateSections.RouteSeqno).State!.Seqno);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void Missing_file_is_reported_as_missing_not_as_a_problem()
    {
        var load = SnapshotStore.Open(_folder, Owner).Load(StateSections.Bus);
        Assert.Equal(SnapshotLoad<BusState>.Missing, load);
    }

    [Theory]
    [InlineData("truncate", "truncated")]
    [InlineData("flip", "checksum")]
    [InlineData("version", "unknown file format version")]
    [InlineData("section", "unknown section version")]
    [InlineData("magic", "bad magic")]
    public void Unusable_file_is_moved_aside_with_the_reason(string damage, string reason)
    {
        var store = SnapshotStore.Open(_folder, Owner);
        store.Save(StateSections.Bus, SampleBus());
        var path = store.PathOf(StateSections.Bus);
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "truncate": bytes = bytes[..^7]; break;
            case "flip": bytes[^3] ^= 0x40; break;
            case "version": bytes[7] = 9; break;
            case "section": bytes[9] = 9; break;
            default: bytes[0] = (byte)'X'; break;
        }

        File.WriteAllBytes(path, bytes);
        var load = store.Load(StateSections.Bus);

        Assert.Null(load.State);
        Assert.Contains(reason, load.Problem);
        Assert.False(File.Exists(path));
        Assert.Equal(bytes, File.ReadAllBytes(load.MovedTo!));
        Assert.Equal(SnapshotLoad<BusState>.Missing, store.Load(StateSections.Bus));
    }

    [Fact]
    public void File_of_another_node_key_is_refused()
    {
        SnapshotStore.Open(_folder, Owner).Save(StateSections.RouteSeqno, new OwnRouteSeqno(7));
        var load = SnapshotStore.Open(_folder, new byte[32]).Load(StateSections.RouteSeqno);
        Assert.Contains("another node key", load.Problem);
    }

    [Fact]
    public void Type_not_on_the_allow_list_is_refused_even_in_a_well_formed_file()
    {
        // A file whose header and checksum are right, but whose payload names types the allow-list lacks.
        var foreign = new Hyperion.Serializer();
        using var payload = new MemoryStream();
        foreign.Serialize(new NotAllowed("payload", [1, 2, 3]), payload);
        var store = SnapshotStore.Open(_folder, Owner);
        File.WriteAllBytes(store.PathOf(StateSections.Bus), SnapshotFile.Encode(StateSections.Bus.Version, Owner, payload.ToArray()));

        var load = store.Load(StateSections.Bus);

        Assert.Null(load.State);
        Assert.Contains("cannot be read", load.Problem);
        Assert.Contains(nameof(NotAllowed), load.Problem);
        Assert.Throws<ArgumentException>(() => store.Save(new SnapshotSection<NotAllowed>("x.snapshot", 1), new NotAllowed("", [])));
    }

    [Fact]
    public void Allowed_record_in_the_wrong_section_is_refused()
    {
        var store = SnapshotStore.Open(_folder, Owner);
        store.Save(new SnapshotSection<OwnRouteSeqno>(StateSections.Bus.FileName, StateSections.Bus.Version), new OwnRouteSeqno(3));
        Assert.Contains("not a BusState", store.Load(StateSections.Bus).Problem);
    }

    public sealed record NotAllowed(string Text, int[] Numbers);
}
