using MeshActors.Crypto.EndToEnd;
using MeshActors.DataPlane.Forwarding;
using MeshActors.Protocol.Addressing;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Forwarding;

/// <summary>A Data header names its source by key id: what happens where a node cannot resolve it.</summary>
public sealed class SourceKeyIdTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_destination_that_cannot_name_the_source_drops_and_counts_until_a_route_names_it()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Tcp);
        var routesOfC = line.C.Routes;
        line.C.Routes = new StaticRoutes();

        Assert.True(line.TunA.Inject(Packets.Udp6(line.AddressA, line.AddressC, [1, 2, 3])));

        await Eventually.True(() => line.C.Counters.Drops[ForwardDrop.UnknownSource] == 1);
        Assert.Equal(1, line.C.EndToEnd.Opens[EndToEndStatus.UnknownSource]);
        Assert.Equal(0, line.C.EndToEnd.Events[EndToEndEvent.SessionsCreated]);
        Assert.Equal(0, line.TunC.WrittenCount);

        line.C.Routes = routesOfC;
        var packet = Packets.Udp6(line.AddressA, line.AddressC, [4, 5, 6]);
        Assert.True(line.TunA.Inject(packet));

        Assert.True(line.TunC.TryTakeWritten(Wait, out var delivered));
        Assert.Equal(packet, delivered);
    }

    [Fact]
    public async Task A_relay_that_cannot_name_the_source_of_an_expired_payload_drops_it_without_a_notice()
    {
        await using var line = await ThreeNodeLine.StartAsync(TransportKind.Tcp, optionsA: new ForwarderOptions { HopLimit = 1 });
        line.B.Routes = new StaticRoutes();

        line.TunA.Inject(Packets.Udp6(line.AddressA, line.AddressC, [1]));

        await Eventually.True(() => line.B.Counters.Drops[ForwardDrop.NoticeUnaddressable] == 1);
        Assert.Equal(1, line.B.Counters.Drops[ForwardDrop.HopLimit]);
        Assert.Equal(0, line.B.Counters.Packets[ForwardPath.HopLimitNotices]);
        Assert.False(line.TunA.TryTakeWritten(TimeSpan.FromMilliseconds(200), out _));
    }
}
