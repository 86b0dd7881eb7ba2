using MeshActors.Protocol.Discovery;

namespace MeshActors.Protocol.Tests.Discovery;

public sealed class LanBeaconTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public void Round_trips_key_and_port()
    {
        var beacon = new byte[LanBeacon.Size];
        LanBeacon.Write(beacon, Key, 9651);

        Assert.True(LanBeacon.TryRead(beacon, out var key, out var port));
        Assert.Equal(Key, key.ToArray());
        Assert.Equal(9651, port);
    }

    [Fact]
    public void Truncated_padded_or_altered_beacons_are_refused_without_throwing()
    {
        var beacon = new byte[LanBeacon.Size];
        LanBeacon.Write(beacon, Key, 9651);

        for (var length = 0; length < LanBeacon.Size; length++)
        {
            Assert.False(LanBeacon.TryRead(beacon.AsSpan(0, length), out _, out _));
        }

        Assert.False(LanBeacon.TryRead([.. beacon, 0], out _, out _));
        foreach (var (offset, value) in new[] { (0, (byte)'X'), (4, (byte)2), (5, (byte)1) })
        {
            var altered = beacon.ToArray();
            altered[offset] = value;
            Assert.False(LanBeacon.TryRead(altered, out _, out _));
        }

        var portZero = beacon.ToArray();
        portZero[6] = portZero[7] = 0;
        Assert.False(LanBeacon.TryRead(portZero, out _, out _));
        Assert.Throws<ArgumentException>(() => LanBeacon.Write(new byte[LanBeacon.Size], Key[..31], 1));
    }
}
