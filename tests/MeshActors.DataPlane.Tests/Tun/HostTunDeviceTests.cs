using MeshActors.DataPlane.Tun;
using MeshActors.Protocol;

namespace MeshActors.DataPlane.Tests.Tun;

/// <summary>
/// The skeleton both OS devices share, driven through <see cref="ScriptedTunDevice"/> (no root, no kernel): the
/// configuration at open, the read and write loops, the shutdown that wakes a parked reader and releases the
/// handle only after it left, and the routes kept in step with the host.
/// </summary>
public sealed class HostTunDeviceTests
{
    private const int Mtu = 1400;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public void Open_sets_the_mtu_then_the_addresses_then_the_routes()
    {
        var commands = new RecordingTunCommands();

        using var tun = ScriptedTunDevice.Open(Options(routes: ["fd6d:fffe::/48", "10.251.0.0/24"]), commands);

        Assert.Equal(
            ["mtu scripted0 1400 up", "address scripted0 fd6d:ffff::1/64", "address scripted0 10.250.0.1/32",
             "route add scripted0 fd6d:fffe::/48", "route add scripted0 10.251.0.0/24"],
            commands.Log);
        Assert.Equal(2, tun.Routes.Count);
    }

    [Fact]
    public void A_refused_route_at_open_releases_the_device_and_reports_the_command()
    {
        var commands = new RecordingTunCommands { Refuse = c => c.StartsWith("route add", StringComparison.Ordinal) };
        ScriptedTunDevice? opened = null;

        var error = Assert.Throws<TunDeviceException>(() => opened = ScriptedTunDevice.Open(Options(routes: ["10.251.0.0/24"]), commands));

        Assert.Contains("route add scripted0 10.251.0.0/24", error.Message);
        Assert.Null(opened);
        Assert.Equal(["mtu scripted0 1400 up", "address scripted0 fd6d:ffff::1/64", "address scripted0 10.250.0.1/32"], commands.Log);
    }

    [Fact]
    public void ReadBatch_takes_the_queued_packets_up_to_the_batch_without_parking_again()
    {
        using var tun = Open();
        tun.Inject([1], [2, 2], [3, 3, 3]);
        var buffers = Buffers(2);
        var sizes = new int[2];

        Assert.Equal(2, tun.ReadBatch(buffers, sizes));
        Assert.Equal([1, 2], sizes);
        Assert.Equal(1, tun.ReadBatch(buffers, sizes));
        Assert.Equal(3, sizes[0]);
        Assert.Equal(0, tun.Parked);
    }

    [Fact]
    public void A_parked_reader_takes_the_packet_that_arrives()
    {
        using var tun = Open();
        var sizes = new int[4];
        var read = -1;
        var reader = new Thread(() => read = tun.ReadBatch(Buffers(4), sizes));
        reader.Start();
        Assert.True(SpinWait.SpinUntil(() => tun.Parked == 1, Bound), "the reader never parked");

        tun.Inject([9, 9, 9, 9, 9]);

        Assert.True(reader.Join(Bound));
        Assert.Equal(1, read);
        Assert.Equal(5, sizes[0]);
    }

    [Fact]
    public void Dispose_wakes_a_parked_reader_and_releases_the_handle_only_after_the_reader_left()
    {
        var tun = Open();
        tun.HoldAfterWake.Reset();
        var read = -1;
        var reader = new Thread(() => read = tun.Read(new byte[Mtu]));
        reader.Start();
        Assert.True(SpinWait.SpinUntil(() => tun.Parked == 1, Bound), "the reader never parked");

        tun.Dispose();

        // The woken reader is held inside the call, so it still borrows the handle: nothing may be released yet.
        Assert.False(tun.Handle.Released.IsSet);
        tun.HoldAfterWake.Set();
        Assert.True(reader.Join(Bound));
        Assert.Equal(0, read);
        Assert.True(tun.Handle.Released.Wait(Bound));
    }

    [Fact]
    public void A_device_the_os_takes_away_ends_the_batch_with_what_was_read()
    {
        using var tun = Open();
        tun.Inject([7, 7]);
        tun.Vanish();
        var sizes = new int[4];

        Assert.Equal(1, tun.ReadBatch(Buffers(4), sizes));
        Assert.Equal(2, sizes[0]);
        Assert.Equal(0, tun.ReadBatch(Buffers(4), sizes));
        Assert.Equal(0, tun.Read(new byte[Mtu]));
    }

    [Fact]
    public void WriteBatch_counts_rejected_packets_and_stops_where_the_os_closed_the_device()
    {
        using var tun = Open();
        tun.CloseWritesAfter = 2;
        Memory<byte>[] packets = [new byte[] { 1 }, Array.Empty<byte>(), new byte[] { 2 }, new byte[] { 3 }];

        var consumed = tun.WriteBatch(packets, out var rejected);

        Assert.Equal(3, consumed);
        Assert.Equal(1, rejected);
        Assert.Equal(2, tun.Written.Count);
        Assert.Equal(TunWriteStatus.Closed, tun.Write([4]));
    }

    [Fact]
    public void After_dispose_reads_return_0_writes_report_closed_and_routes_are_gone()
    {
        var tun = ScriptedTunDevice.Open(Options(routes: ["10.251.0.0/24"]), new RecordingTunCommands());
        tun.Inject([1]);

        tun.Dispose();
        tun.Dispose();

        Assert.True(tun.Handle.Released.IsSet);
        Assert.Equal(0, tun.Read(new byte[Mtu]));
        Assert.Equal(0, tun.ReadBatch(Buffers(2), new int[2]));
        Assert.Equal(TunWriteStatus.Closed, tun.Write([1]));
        Assert.Equal(0, tun.WriteBatch(new Memory<byte>[] { new byte[] { 1 } }, out _));
        Assert.Empty(tun.Routes);
        Assert.Throws<ObjectDisposedException>(() => tun.AddRoute(IpPrefix.Parse("10.252.0.0/24")));
        Assert.Throws<ObjectDisposedException>(() => tun.RemoveRoute(IpPrefix.Parse("10.251.0.0/24")));
    }

    [Fact]
    public void Routes_follow_the_host_commands_that_succeeded()
    {
        var commands = new RecordingTunCommands();
        using var tun = ScriptedTunDevice.Open(Options(), commands);
        var v4 = IpPrefix.Parse("10.251.0.0/24");
        var v6 = IpPrefix.Parse("fd6d:fffe::/48");
        commands.Log.Clear();

        tun.AddRoute(v4);
        tun.AddRoute(v4);
        commands.Refuse = c => c.Contains("fd6d", StringComparison.Ordinal);
        Assert.Throws<TunDeviceException>(() => tun.AddRoute(v6));

        Assert.Equal([v4], tun.Routes);
        Assert.False(tun.RemoveRoute(v6));
        Assert.True(tun.RemoveRoute(v4));
        Assert.Empty(tun.Routes);
        Assert.Equal(["route add scripted0 10.251.0.0/24", "route del scripted0 10.251.0.0/24"], commands.Log);
    }

    [Fact]
    public void Read_buffers_smaller_than_the_mtu_and_missing_size_slots_are_refused()
    {
        using var tun = Open();

        Assert.Throws<ArgumentException>(() => tun.Read(new byte[Mtu - 1]));
        Assert.Throws<ArgumentException>(() => tun.ReadBatch(new Memory<byte>[] { new byte[Mtu - 1] }, new int[1]));
        Assert.Throws<ArgumentException>(() => tun.ReadBatch(Buffers(2), new int[1]));
    }

    private static ScriptedTunDevice Open() => ScriptedTunDevice.Open(Options(), new RecordingTunCommands());

    private static TunOptions Options(string[]? routes = null) => new()
    {
        Name = "scripted0",
        Mtu = Mtu,
        Addresses = [TunAddress.Parse("fd6d:ffff::1/64"), TunAddress.Parse("10.250.0.1/32")],
        Routes = (routes ?? []).Select(IpPrefix.Parse).ToArray(),
    };

    private static Memory<byte>[] Buffers(int count) =>
        Enumerable.Range(0, count).Select(_ => new Memory<byte>(new byte[Mtu])).ToArray();
}
