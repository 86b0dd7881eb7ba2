using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using MeshActors.Crypto;
using MeshActors.Crypto.EndToEnd;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Tun;
using MeshActors.Node.Actors;
using MeshActors.Node.Routing;
using MeshActors.Node.Tun;
using MeshActors.Protocol;
using MeshActors.Testing.Doubles;

namespace MeshActors.Node.Tests.Tun;

/// <summary>
/// The TUN device lives under its actor's supervision: opened in PreStart and attached to the forwarder, closed in
/// PostStop, opened afresh on a restart, and a device that cannot be opened stops the node with one line.
/// </summary>
public sealed class TunDeviceActorTests : TestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TunOptions Options = new() { Name = "mesh0", Mtu = 1400 };

    private readonly NodeIdentity _identity = NodeIdentity.Generate();
    private readonly Forwarder _forwarder;
    private readonly ConcurrentQueue<InMemoryTun> _opened = new();

    public TunDeviceActorTests()
    {
        var pool = new BufferPool(256, BufferLayout.BufferSizeFor(Options.Mtu));
        _forwarder = new Forwarder(_identity, pool, new EndToEndSessionCache(_identity, EndToEndLimits.DefaultCapacity, () => 0));
    }

    [Fact]
    public async Task The_device_is_opened_in_prestart_attached_to_the_forwarder_and_closed_in_poststop()
    {
        var opened = new TaskCompletionSource();
        var actor = Sys.ActorOf(TunDeviceActor.Props(() => Options, Open, _forwarder, opened));

        await opened.Task.WaitAsync(Bound);
        Assert.True(_forwarder.HasTun);
        var device = Assert.Single(_opened);
        Assert.False(device.IsDisposed);

        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);

        Assert.True(device.IsDisposed);
        Assert.False(_forwarder.HasTun);
    }

    [Fact]
    public void A_restart_closes_the_device_and_opens_a_fresh_one_whose_routes_the_route_table_sends_again()
    {
        var prefix = IpPrefix.Parse("10.251.0.0/24");
        var actor = Sys.ActorOf(TunDeviceActor.Props(() => Options, Open, _forwarder));
        AwaitCondition(() => _opened.Count == 1, Bound);
        var first = _opened.Single();
        actor.Tell(new RoutedPrefixesChanged(new HashSet<IpPrefix> { prefix }));
        AwaitCondition(() => first.Routes.Contains(prefix), Bound);

        // A host failure the actor does not expect: its supervisor restarts it.
        first.FailRouteChanges = new InvalidOperationException("induced host failure");
        actor.Tell(new RoutedPrefixesChanged(new HashSet<IpPrefix>()));

        AwaitCondition(() => _opened.Count == 2, Bound);
        Assert.True(first.IsDisposed);
        var second = _opened.Last();
        AwaitCondition(() => _forwarder.HasTun, Bound);
        Assert.False(second.IsDisposed);
        actor.Tell(new RoutedPrefixesChanged(new HashSet<IpPrefix> { prefix }));
        AwaitCondition(() => second.Routes.Contains(prefix), Bound);
    }

    [Fact]
    public void A_moved_automatic_address_moves_on_the_device()
    {
        var actor = Sys.ActorOf(TunDeviceActor.Props(() => Options, Open, _forwarder));
        AwaitCondition(() => _opened.Count == 1, Bound);
        var device = _opened.Single();
        var from = TunAddress.Parse("10.220.0.1/32");
        var to = TunAddress.Parse("10.220.0.2/32");
        device.AddAddress(from);

        actor.Tell(new MoveTunAddress(from, to));

        // The new address goes on before the old one comes off (see the next test): wait for both steps.
        AwaitCondition(() => device.Addresses.Contains(to) && !device.Addresses.Contains(from), Bound);
    }

    [Fact]
    public void Moving_the_only_ipv4_address_keeps_the_kernel_routes_to_other_nodes()
    {
        var actor = Sys.ActorOf(TunDeviceActor.Props(() => Options, Open, _forwarder));
        AwaitCondition(() => _opened.Count == 1, Bound);
        var device = _opened.Single();
        var from = TunAddress.Parse("10.251.0.3/32");
        var to = TunAddress.Parse("10.251.0.4/32");
        device.AddAddress(from);
        var other = IpPrefix.Parse("10.251.0.5/32");
        actor.Tell(new RoutedPrefixesChanged(new HashSet<IpPrefix> { other }));
        AwaitCondition(() => device.KernelRoutes.Contains(other), Bound);

        actor.Tell(new MoveTunAddress(from, to));

        AwaitCondition(() => device.Addresses.Contains(to) && !device.Addresses.Contains(from), Bound);
        Assert.Contains(other, device.KernelRoutes);
    }

    [Fact]
    public async Task A_device_that_cannot_be_opened_stops_the_node_with_one_line()
    {
        var failure = new NodeFailure();
        var tun = TunDeviceActor.Props(
            () => Options, _ => throw new TunUnavailableException("/dev/net/tun is missing", "run with --no-tun"), _forwarder);
        Sys.ActorOf(NodeGuardian.Props(Identity, [new ChildSpec(TunDeviceActor.Name, tun)], failure), NodeGuardian.Name);

        Assert.Equal("/dev/net/tun is missing; run with --no-tun", await failure.Failed.WaitAsync(Bound));
        await Sys.WhenTerminated.WaitAsync(Bound);
        Assert.False(_forwarder.HasTun);
    }

    [Fact]
    public async Task A_refused_device_setting_names_the_device_in_the_message()
    {
        var failure = new NodeFailure();
        var tun = TunDeviceActor.Props(
            () => Options, _ => throw new TunDeviceException("'ip link set dev mesh0 mtu 1400 up' failed (exit 2)"), _forwarder);
        Sys.ActorOf(NodeGuardian.Props(Identity, [new ChildSpec(TunDeviceActor.Name, tun)], failure), NodeGuardian.Name);

        Assert.Equal(
            "cannot set up TUN device 'mesh0': 'ip link set dev mesh0 mtu 1400 up' failed (exit 2)", await failure.Failed.WaitAsync(Bound));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _forwarder.Dispose();
        _identity.Dispose();
    }

    private static NodeInfo Identity => new("test", new string('a', 64), "fd6d::1", "fd6d::/64", 0, "0.0.0");

    private InMemoryTun Open(TunOptions options)
    {
        var device = new InMemoryTun(options.Name, options.Mtu);
        _opened.Enqueue(device);
        return device;
    }
}
