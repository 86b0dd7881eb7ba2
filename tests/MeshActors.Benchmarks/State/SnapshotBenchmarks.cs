using BenchmarkDotNet.Attributes;
using MeshActors.Messaging;
using MeshActors.Messaging.Sending;
using MeshActors.Node.State;
using MeshActors.Protocol.Routing;

namespace MeshActors.Benchmarks.State;

/// <summary>
/// The bus snapshot of a node with 10,000 pending outbound messages (to 16 destinations, one chunk each):
/// <see cref="Save"/> = capture the core, serialize (Hyperion), write a temporary file, fsync, rename, fsync the
/// folder; <see cref="Load"/> = read, check header and SHA-256, deserialize, restore into a fresh core. The node's
/// start and every bus save cost about this.
/// Run: dotnet run -c Release --project tests/MeshActors.Benchmarks -- --filter '*SnapshotBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class SnapshotBenchmarks
{
    private const int Messages = 10_000;
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"meshactors-bench-{Guid.NewGuid():N}");
    private MessageBusSettings _settings = null!;
    private MessageBusCore _core = null!;
    private SnapshotStore _store = null!;

    /// <summary>Payload of each message, bytes.</summary>
    [Params(256, 1_024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _settings = new MessageBusSettings { MaxInFlight = Messages };
        _core = new MessageBusCore(_settings, new RandomMessageIdSource());
        var payload = new byte[Size];
        new Random(1).NextBytes(payload);
        for (var i = 0; i < Messages; i++)
        {
            var destination = new RouterId((ulong)(i % 16) + 1, 2, 3, 4);
            var sent = _core.Outbound.Send(new SendRequest(destination, payload) { Topic = "bench"u8.ToArray() }, Now);
            if (!sent.IsSuccess)
            {
                throw new InvalidOperationException(sent.Error.ToString());
            }
        }

        _store = SnapshotStore.Open(_folder, new byte[32]);
        Save();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark]
    public long Save() => _store.Save(StateSections.Bus, _core.Capture());

    [Benchmark]
    public int Load()
    {
        var state = _store.Load(StateSections.Bus).State ?? throw new InvalidOperationException("snapshot did not load");
        var report = new MessageBusCore(_settings, new RandomMessageIdSource()).Restore(state, Now);
        return report.Outbound == Messages ? report.Outbound : throw new InvalidOperationException($"restored {report}");
    }
}
