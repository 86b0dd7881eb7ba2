using Akka.Event;
using MeshActors.Messaging;
using MeshActors.Messaging.Sending;
using MeshActors.Node.Messaging;
using MeshActors.Node.State;
using MeshActors.Protocol.Routing;
using MeshActors.Testing.Doubles;

namespace MeshActors.Node.Tests.State;

/// <summary>The bus actor's save rules without the actor: held answers go out only after a save, changes inside the
/// write interval wait for it, and the stop save writes whatever is still unsaved.</summary>
public sealed class BusSnapshotsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Owner = new byte[32];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Changes_are_saved_at_most_once_per_interval_and_the_rest_when_stopping()
    {
        var store = SnapshotStore.Open(_folder.Path, Owner);
        var section = new SectionStore<MeshActors.Messaging.Persistence.BusState>(store, StateSections.Bus);
        var snapshots = new BusSnapshots(section, TimeSpan.FromHours(1), NoLogger.Instance);
        var core = new MessageBusCore(new MessageBusSettings(), new RandomMessageIdSource());
        var sink = new NullSink();
        snapshots.Restore(core, T0);

        Send(core, 1);
        snapshots.Changed();
        snapshots.SaveIfDue(core, T0, sink);
        Assert.Single(store.Load(StateSections.Bus).State!.Outbound);

        Send(core, 2);
        snapshots.Changed();
        snapshots.SaveIfDue(core, T0.AddMinutes(1), sink);
        Assert.Single(store.Load(StateSections.Bus).State!.Outbound);

        snapshots.SaveIfChanged(core, T0.AddMinutes(2), sink);
        Assert.Equal(2, store.Load(StateSections.Bus).State!.Outbound.Length);
    }

    private static void Send(MessageBusCore core, ulong destination) =>
        Assert.True(core.Outbound.Send(new SendRequest(new RouterId(destination, 0, 0, 0), new byte[10]), T0).IsSuccess);

    private sealed class NullSink : IBusFrameSink
    {
        public void Send(RouterId destination, ReadOnlySpan<byte> plaintext)
        {
        }
    }
}
