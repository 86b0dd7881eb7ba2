using System.Net;
using MeshActors.Protocol.Names;
using MeshActors.Protocol.Routing;

namespace MeshActors.Protocol.Tests.Names;

public sealed class NameRecordCodecTests
{
    private static NameRecord Sample(string name = "alpha") => new(
        Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), name, 1_700_000_000_123, name.Length > 0 ? 1_700_000_000_000 : 0, 300,
        NameRecordFlags.Ipv4Auto, 0x0afa0102, Enumerable.Range(100, 64).Select(i => (byte)i).ToArray());

    [Theory]
    [InlineData("alpha")]
    [InlineData("")]
    [InlineData("a-1")]
    public void Round_trips(string name)
    {
        var record = Sample(name);
        var payload = NameRecordCodec.Encode(record);

        Assert.Equal(ControlKinds.NameRecord, payload[0]);
        Assert.Equal(NameRecordCodec.FixedSize + name.Length + NameRecordCodec.SignatureSize, payload.Length);
        Assert.Equal(NameDecodeError.None, NameRecordCodec.TryDecode(payload, out var decoded));
        Assert.Equal(record.Key, decoded!.Key);
        Assert.Equal(record.Signature, decoded.Signature);
        Assert.Equal(record with { Key = decoded.Key, Signature = decoded.Signature }, decoded);
    }

    [Fact]
    public void Signed_bytes_cover_every_field_but_the_signature()
    {
        var record = Sample();
        var signed = NameRecordCodec.SignedBytes(record);

        Assert.Equal(signed, NameRecordCodec.SignedBytes(record with { Signature = new byte[64] }));
        Assert.NotEqual(signed, NameRecordCodec.SignedBytes(record with { Name = "beta1" }));
        Assert.NotEqual(signed, NameRecordCodec.SignedBytes(record with { IssuedAtMs = record.IssuedAtMs + 1 }));
        Assert.NotEqual(signed, NameRecordCodec.SignedBytes(record with { Ipv4 = 1 }));
        Assert.NotEqual(signed, NameRecordCodec.SignedBytes(record with { Flags = NameRecordFlags.None }));
        Assert.StartsWith("meshactors/name/v1", System.Text.Encoding.ASCII.GetString(signed));
    }

    [Fact]
    public void Malformed_payloads_are_refused_without_throwing()
    {
        var good = NameRecordCodec.Encode(Sample());
        for (var length = 0; length < good.Length; length++)
        {
            Assert.NotEqual(NameDecodeError.None, NameRecordCodec.TryDecode(good.AsSpan(0, length), out _));
        }

        Assert.Equal(NameDecodeError.UnknownVersion, NameRecordCodec.TryDecode(Patched(good, 1, 2), out _));
        Assert.Equal(NameDecodeError.UnknownFlags, NameRecordCodec.TryDecode(Patched(good, 2, 0x80), out _));
        Assert.Equal(NameDecodeError.WrongLength, NameRecordCodec.TryDecode(Patched(good, 3, 6), out _));
        Assert.Equal(NameDecodeError.BadName, NameRecordCodec.TryDecode(Patched(good, NameRecordCodec.FixedSize, (byte)'A'), out _));
        Assert.Equal(NameDecodeError.BadTimes, NameRecordCodec.TryDecode(NameRecordCodec.Encode(Sample() with { LifetimeSeconds = 0 }), out _));
        Assert.Equal(NameDecodeError.BadTimes, NameRecordCodec.TryDecode(NameRecordCodec.Encode(Sample() with { ClaimedAtMs = 0 }), out _));
        Assert.Equal(NameDecodeError.BadTimes, NameRecordCodec.TryDecode(NameRecordCodec.Encode(Sample() with { ClaimedAtMs = long.MaxValue }), out _));
    }

    [Fact]
    public void Exit_prefixes_round_trip_signed_and_flagged()
    {
        RoutePrefix[] exits = [RoutePrefix.Parse("0.0.0.0/0"), RoutePrefix.Parse("::/0"), RoutePrefix.Parse("192.168.5.0/24"), RoutePrefix.Parse("2001:db8::/32")];
        var record = Sample() with { ExitPrefixes = exits };
        var payload = NameRecordCodec.Encode(record);

        Assert.Equal(NameRecordFlags.Exits, (NameRecordFlags)payload[2] & NameRecordFlags.Exits);
        Assert.Equal(NameDecodeError.None, NameRecordCodec.TryDecode(payload, out var decoded));
        Assert.Equal(exits, decoded!.ExitPrefixes);
        Assert.Equal(record.Signature, decoded.Signature);
        Assert.Equal(record.Name, decoded.Name);
        Assert.Equal(NameRecordCodec.SignedBytes(decoded), NameRecordCodec.SignedBytes(record));
        Assert.NotEqual(NameRecordCodec.SignedBytes(record), NameRecordCodec.SignedBytes(record with { ExitPrefixes = exits[..3] }));
        Assert.NotEqual(NameRecordCodec.SignedBytes(record), NameRecordCodec.SignedBytes(Sample()));
        Assert.True(payload.Length <= NameRecordCodec.MaxSize);
    }

    [Fact]
    public void Malformed_exit_lists_are_refused_without_throwing()
    {
        var good = NameRecordCodec.Encode(Sample() with { ExitPrefixes = [RoutePrefix.Parse("10.77.0.0/24")] });
        var listAt = NameRecordCodec.FixedSize + "alpha".Length;
        for (var length = 0; length < good.Length; length++)
        {
            Assert.NotEqual(NameDecodeError.None, NameRecordCodec.TryDecode(good.AsSpan(0, length), out _));
        }

        Assert.Equal(NameDecodeError.BadExits, NameRecordCodec.TryDecode(Patched(good, listAt, 0), out _));
        Assert.Equal(NameDecodeError.BadExits, NameRecordCodec.TryDecode(Patched(good, listAt, NameRecordCodec.MaxExitPrefixes + 1), out _));
        Assert.Equal(NameDecodeError.BadExits, NameRecordCodec.TryDecode(Patched(good, listAt + 1, 5), out _));
        Assert.Equal(NameDecodeError.BadExits, NameRecordCodec.TryDecode(Patched(good, listAt + 2, 40), out _));
        Assert.Equal(NameDecodeError.BadExits, NameRecordCodec.TryDecode(Patched(good, listAt + 2, 12), out _));
        Assert.NotEqual(NameDecodeError.None, NameRecordCodec.TryDecode(Patched(good, listAt, 2), out _));
        Assert.NotEqual(NameDecodeError.None, NameRecordCodec.TryDecode(Patched(NameRecordCodec.Encode(Sample()), 2, (byte)NameRecordFlags.Exits), out _));
        Assert.Throws<ArgumentException>(() => NameRecordCodec.Encode(Sample() with
        {
            ExitPrefixes = [.. Enumerable.Range(0, NameRecordCodec.MaxExitPrefixes + 1).Select(i => RoutePrefix.Parse($"10.{i}.0.0/16"))],
        }));
    }

    [Fact]
    public void Public_endpoints_and_the_relay_flag_round_trip_signed_after_the_exit_list()
    {
        IPEndPoint[] endpoints = [IPEndPoint.Parse("10.9.0.1:9651"), IPEndPoint.Parse("[fd00::1]:9652"), IPEndPoint.Parse("[::ffff:10.9.0.2]:7")];
        var record = Sample() with { ExitPrefixes = [RoutePrefix.Parse("10.77.0.0/24")], PublicEndpoints = endpoints, Flags = NameRecordFlags.Relay };
        var payload = NameRecordCodec.Encode(record);

        Assert.Equal(NameRecordFlags.Exits | NameRecordFlags.Endpoints | NameRecordFlags.Relay, (NameRecordFlags)payload[2]);
        Assert.Equal(NameDecodeError.None, NameRecordCodec.TryDecode(payload, out var decoded));
        Assert.True(decoded!.IsRelay);
        Assert.Equal([IPEndPoint.Parse("10.9.0.1:9651"), IPEndPoint.Parse("[fd00::1]:9652"), IPEndPoint.Parse("10.9.0.2:7")], decoded.PublicEndpoints);
        Assert.Equal(NameRecordCodec.SignedBytes(record), NameRecordCodec.SignedBytes(decoded));
        Assert.NotEqual(NameRecordCodec.SignedBytes(record), NameRecordCodec.SignedBytes(record with { PublicEndpoints = endpoints[..2] }));
        Assert.NotEqual(NameRecordCodec.SignedBytes(record), NameRecordCodec.SignedBytes(record with { Flags = NameRecordFlags.None }));
        Assert.True(payload.Length <= NameRecordCodec.MaxSize);
    }

    [Fact]
    public void A_relay_flag_without_endpoints_is_not_encoded_and_not_accepted()
    {
        var payload = NameRecordCodec.Encode(Sample() with { Flags = NameRecordFlags.Relay });

        Assert.Equal(NameRecordFlags.None, (NameRecordFlags)payload[2]);
        Assert.Equal(NameDecodeError.BadEndpoints, NameRecordCodec.TryDecode(Patched(payload, 2, (byte)NameRecordFlags.Relay), out _));
    }

    [Fact]
    public void Malformed_or_oversized_endpoint_lists_are_refused_without_throwing()
    {
        var good = NameRecordCodec.Encode(Sample() with { PublicEndpoints = [IPEndPoint.Parse("10.9.0.1:9651")] });
        var listAt = NameRecordCodec.FixedSize + "alpha".Length;
        for (var length = 0; length < good.Length; length++)
        {
            Assert.NotEqual(NameDecodeError.None, NameRecordCodec.TryDecode(good.AsSpan(0, length), out _));
        }

        Assert.Equal(NameDecodeError.BadEndpoints, NameRecordCodec.TryDecode(Patched(good, listAt, 0), out _));
        Assert.Equal(NameDecodeError.BadEndpoints, NameRecordCodec.TryDecode(Patched(good, listAt, NameRecordCodec.MaxEndpoints + 1), out _));
        Assert.Equal(NameDecodeError.BadEndpoints, NameRecordCodec.TryDecode(Patched(good, listAt + 1, 5), out _));
        Assert.Equal(NameDecodeError.BadEndpoints, NameRecordCodec.TryDecode(Patched(Patched(good, listAt + 2, 0), listAt + 3, 0), out _));
        Assert.NotEqual(NameDecodeError.None, NameRecordCodec.TryDecode(Patched(good, listAt, 2), out _));
        Assert.NotEqual(NameDecodeError.None, NameRecordCodec.TryDecode(Patched(good, listAt + 1, 6), out _));
        Assert.Throws<ArgumentException>(() => NameRecordCodec.Encode(Sample() with
        {
            PublicEndpoints = [.. Enumerable.Range(1, NameRecordCodec.MaxEndpoints + 1).Select(i => new IPEndPoint(IPAddress.Loopback, i))],
        }));
        Assert.Throws<ArgumentException>(() => NameRecordCodec.Encode(Sample() with { PublicEndpoints = [new IPEndPoint(IPAddress.Loopback, 0)] }));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("node-7", true)]
    [InlineData("7up", true)]
    [InlineData("", false)]
    [InlineData("-a", false)]
    [InlineData("a-", false)]
    [InlineData("Alpha", false)]
    [InlineData("a.b", false)]
    [InlineData("a_b", false)]
    public void Names_are_lower_case_dns_labels(string name, bool valid)
    {
        Assert.Equal(valid, NameSyntax.IsValid(name));
        Assert.False(NameSyntax.IsValid(new string('a', 64)));
        Assert.True(NameSyntax.IsValid(new string('a', 63)));
    }

    private static byte[] Patched(byte[] payload, int offset, byte value)
    {
        var copy = payload.ToArray();
        copy[offset] = value;
        return copy;
    }
}
