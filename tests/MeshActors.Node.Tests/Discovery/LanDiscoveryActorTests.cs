using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using MeshActors.Crypto;
using MeshActors.Node.Discovery;
using MeshActors.Node.Settings;
using MeshActors.Protocol.Discovery;
using MeshActors.Testing.Doubles;

namespace MeshActors.Node.Tests.Discovery;

/// <summary>The LAN discovery actor's screening on its reader thread: only a well-formed beacon from an IPv6 link-local
/// source is passed on; garbage, and beacons from anywhere else (here loopback), are counted and never dialled.</summary>
public sealed class LanDiscoveryActorTests : TestKit
{
    /// <summary>Below the ephemeral range; no other test listens on it.</summary>
    private const int LanPort = 19650;

    [Fact]
    public async Task Garbage_and_beacons_from_outside_the_link_are_counted_as_malformed_and_nobody_is_heard()
    {
        var self = NodeIdentity.Generate();
        var actor = Sys.ActorOf(LanDiscoveryActor.Props(
            DiscoverySettings.Default with { Lan = true, LanPort = LanPort, LanInterval = TimeSpan.FromSeconds(1) }, self.Public, 9651, null));
        await Eventually.True(() => Bound(LanPort), because: "the actor should listen on its port");

        var beacon = new byte[LanBeacon.Size];
        LanBeacon.Write(beacon, NodeIdentity.Generate().Public.Bytes, 9651);
        using (var sender = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp))
        {
            var to = new IPEndPoint(IPAddress.IPv6Loopback, LanPort);
            sender.SendTo(beacon, to);
            sender.SendTo(beacon.AsSpan(0, 20), to);
            sender.SendTo(new byte[LanBeacon.Size], to);
        }

        await Eventually.True(() => Status(actor).Counters["malformed"] == 3, because: "three datagrams should be counted as malformed");
        var status = Status(actor);
        Assert.Empty(status.Heard);
        Assert.Equal(0, status.Counters["heard"]);
        Assert.Equal(0, status.Counters["dialled"]);
    }

    private LanDiscoveryStatus Status(IActorRef actor) => actor.Ask<LanDiscoveryStatus>(GetLanDiscovery.Instance, TimeSpan.FromSeconds(10)).Result;

    private static bool Bound(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
