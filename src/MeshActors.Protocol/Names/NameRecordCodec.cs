using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MeshActors.Protocol.Routing;

namespace MeshActors.Protocol.Names;

/// <summary>
/// Control payload of kind <see cref="ControlKinds.NameRecord"/>: one signed <see cref="NameRecord"/> (PROTOCOL.md §6).
/// Decoding never throws; anything malformed is refused with a reason.
/// </summary>
public static class NameRecordCodec
{
    public const byte Version = 1;

    /// <summary>Bytes before the name: kind, version, flags, name length, key, issued-at, claimed-at, lifetime, IPv4.</summary>
    public const int FixedSize = 60;

    public const int KeySize = 32;

    public const int SignatureSize = 64;

    /// <summary>Most exit prefixes one record carries: 16 covers a default route per family and an office's networks
    /// while keeping a record within one small control frame.</summary>
    public const int MaxExitPrefixes = 16;

    /// <summary>Largest exit list: its count byte and <see cref="MaxExitPrefixes"/> IPv6 prefixes of 2 + 16 bytes.</summary>
    private const int MaxExitListSize = 1 + (MaxExitPrefixes * 18);

    /// <summary>Most public endpoints one record carries: an IPv4 and an IPv6 address on two interfaces.</summary>
    public const int MaxEndpoints = 4;

    /// <summary>Largest endpoint list: its count byte and <see cref="MaxEndpoints"/> IPv6 endpoints of 1 + 2 + 16 bytes.</summary>
    private const int MaxEndpointListSize = 1 + (MaxEndpoints * 19);

    public const int MaxSize = FixedSize + NameSyntax.MaxLength + MaxExitListSize + MaxEndpointListSize + SignatureSize;

    /// <summary>Longest lifetime a record may claim, seconds: a day, so a record cannot outlive its owner for long.</summary>
    public const uint MaxLifetimeSeconds = 86_400;

    /// <summary>Domain separation for the signature: a name record's signature can never pass for another message's.</summary>
    private static ReadOnlySpan<byte> SignatureContext => "meshactors/name/v1"u8;

    private const int KeyOffset = 4;
    private const int IssuedOffset = 36;
    private const int ClaimedOffset = 44;
    private const int LifetimeOffset = 52;
    private const int Ipv4Offset = 56;

    /// <summary>The bytes the signature covers: the context string followed by the payload from its version byte to the
    /// end of the name (everything but the kind byte and the signature).</summary>
    public static byte[] SignedBytes(NameRecord record)
    {
        var unsignedSize = UnsignedSize(record);
        var payload = new byte[unsignedSize];
        WriteUnsigned(payload, record);
        return SignedBytes(payload);
    }

    public static byte[] Encode(NameRecord record)
    {
        if (record.Signature.Length != SignatureSize || record.Key.Length != KeySize || (record.Name.Length > 0 && !NameSyntax.IsValid(record.Name))
            || record.ExitPrefixes.Length > MaxExitPrefixes || record.PublicEndpoints.Length > MaxEndpoints
            || record.PublicEndpoints.Any(endPoint => endPoint.Port == 0 || !IsIp(endPoint.Address)))
        {
            throw new ArgumentException(
                $"a name record needs a 32-byte key, a 64-byte signature, a valid name or none, at most {MaxExitPrefixes} exit prefixes and "
                + $"at most {MaxEndpoints} IPv4 or IPv6 endpoints with a port", nameof(record));
        }

        var unsignedSize = UnsignedSize(record);
        var payload = new byte[unsignedSize + SignatureSize];
        WriteUnsigned(payload, record);
        record.Signature.CopyTo(payload.AsSpan(unsignedSize));
        return payload;
    }

    public static NameDecodeError TryDecode(ReadOnlySpan<byte> payload, out NameRecord? record)
    {
        record = null;
        if (payload.Length < FixedSize + SignatureSize || payload[0] != ControlKinds.NameRecord)
        {
            return NameDecodeError.Truncated;
        }

        if (payload[1] != Version)
        {
            return NameDecodeError.UnknownVersion;
        }

        var flags = (NameRecordFlags)payload[2];
        if ((flags & ~(NameRecordFlags.Ipv4Auto | NameRecordFlags.Exits | NameRecordFlags.Endpoints | NameRecordFlags.Relay)) != 0)
        {
            return NameDecodeError.UnknownFlags;
        }

        if ((flags & NameRecordFlags.Relay) != 0 && (flags & NameRecordFlags.Endpoints) == 0)
        {
            return NameDecodeError.BadEndpoints; // a relay nobody can dial
        }

        var nameLength = payload[3];
        var exits = Array.Empty<RoutePrefix>();
        var exitListSize = 0;
        if ((flags & NameRecordFlags.Exits) != 0)
        {
            var exitStart = FixedSize + nameLength;
            var exitError = exitStart > payload.Length - SignatureSize
                ? NameDecodeError.WrongLength
                : TryReadExits(payload[exitStart..^SignatureSize], out exits, out exitListSize);
            if (exitError != NameDecodeError.None)
            {
                return exitError;
            }
        }

        var endpoints = Array.Empty<IPEndPoint>();
        var endpointListSize = 0;
        if ((flags & NameRecordFlags.Endpoints) != 0)
        {
            var endpointStart = FixedSize + nameLength + exitListSize;
            var endpointError = endpointStart > payload.Length - SignatureSize
                ? NameDecodeError.WrongLength
                : TryReadEndpoints(payload[endpointStart..^SignatureSize], out endpoints, out endpointListSize);
            if (endpointError != NameDecodeError.None)
            {
                return endpointError;
            }
        }

        if (payload.Length != FixedSize + nameLength + exitListSize + endpointListSize + SignatureSize)
        {
            return NameDecodeError.WrongLength;
        }

        var name = Encoding.ASCII.GetString(payload.Slice(FixedSize, nameLength));
        if (nameLength > 0 && !NameSyntax.IsValid(name))
        {
            return NameDecodeError.BadName;
        }

        var issued = BinaryPrimitives.ReadInt64BigEndian(payload[IssuedOffset..]);
        var claimed = BinaryPrimitives.ReadInt64BigEndian(payload[ClaimedOffset..]);
        var lifetime = BinaryPrimitives.ReadUInt32BigEndian(payload[LifetimeOffset..]);
        if (issued <= 0 || claimed < 0 || (nameLength == 0) != (claimed == 0) || claimed > issued || lifetime is 0 or > MaxLifetimeSeconds)
        {
            return NameDecodeError.BadTimes;
        }

        record = new NameRecord(
            payload.Slice(KeyOffset, KeySize).ToArray(),
            name,
            issued,
            claimed,
            lifetime,
            flags,
            BinaryPrimitives.ReadUInt32BigEndian(payload[Ipv4Offset..]),
            payload[^SignatureSize..].ToArray())
        {
            ExitPrefixes = exits,
            PublicEndpoints = endpoints,
        };
        return NameDecodeError.None;
    }

    /// <summary>The exit list after the name: a count (1..<see cref="MaxExitPrefixes"/>) and that many prefixes in the
    /// routing messages' form; <paramref name="size"/> is the bytes it took.</summary>
    private static NameDecodeError TryReadExits(ReadOnlySpan<byte> source, out RoutePrefix[] exits, out int size)
    {
        exits = [];
        size = 0;
        if (source.Length < 1)
        {
            return NameDecodeError.WrongLength;
        }

        var count = source[0];
        if (count is 0 or > MaxExitPrefixes)
        {
            return NameDecodeError.BadExits;
        }

        var read = new RoutePrefix[count];
        var offset = 1;
        for (var i = 0; i < count; i++)
        {
            var error = PrefixWire.TryRead(source[offset..], out read[i], out var consumed);
            if (error == RoutingDecodeError.Truncated)
            {
                return NameDecodeError.WrongLength;
            }

            if (error != RoutingDecodeError.None)
            {
                return NameDecodeError.BadExits;
            }

            offset += consumed;
        }

        exits = read;
        size = offset;
        return NameDecodeError.None;
    }

    /// <summary>The endpoint list after the exit list: a count (1..<see cref="MaxEndpoints"/>) and that many endpoints,
    /// each a family byte (4 or 6), a port (not 0) and the address; <paramref name="size"/> is the bytes it took.</summary>
    private static NameDecodeError TryReadEndpoints(ReadOnlySpan<byte> source, out IPEndPoint[] endpoints, out int size)
    {
        endpoints = [];
        size = 0;
        if (source.Length < 1)
        {
            return NameDecodeError.WrongLength;
        }

        var count = source[0];
        if (count is 0 or > MaxEndpoints)
        {
            return NameDecodeError.BadEndpoints;
        }

        var read = new IPEndPoint[count];
        var offset = 1;
        for (var i = 0; i < count; i++)
        {
            if (source.Length < offset + 3)
            {
                return NameDecodeError.WrongLength;
            }

            var addressSize = source[offset] switch
            {
                4 => 4,
                6 => 16,
                _ => -1,
            };
            var port = BinaryPrimitives.ReadUInt16BigEndian(source[(offset + 1)..]);
            if (addressSize < 0 || port == 0)
            {
                return NameDecodeError.BadEndpoints;
            }

            if (source.Length < offset + 3 + addressSize)
            {
                return NameDecodeError.WrongLength;
            }

            var address = new IPAddress(source.Slice(offset + 3, addressSize));
            if (address.IsIPv4MappedToIPv6)
            {
                return NameDecodeError.BadEndpoints; // travels as family 4, so it could never verify
            }

            read[i] = new IPEndPoint(address, port);
            offset += 3 + addressSize;
        }

        endpoints = read;
        size = offset;
        return NameDecodeError.None;
    }

    private static bool IsIp(IPAddress address) => address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;

    private static int EndpointListSize(NameRecord record) =>
        record.PublicEndpoints.Length == 0 ? 0 : 1 + record.PublicEndpoints.Sum(endPoint => 3 + Normal(endPoint.Address).GetAddressBytes().Length);

    /// <summary>An IPv4 address seen through a dual-stack socket travels as IPv4.</summary>
    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static int ExitListSize(NameRecord record)
    {
        if (record.ExitPrefixes.Length == 0)
        {
            return 0;
        }

        var size = 1;
        foreach (var prefix in record.ExitPrefixes)
        {
            size += PrefixWire.Size(prefix);
        }

        return size;
    }

    private static int UnsignedSize(NameRecord record) => FixedSize + record.Name.Length + ExitListSize(record) + EndpointListSize(record);

    private static byte[] SignedBytes(ReadOnlySpan<byte> unsignedPayload)
    {
        var signed = new byte[SignatureContext.Length + unsignedPayload.Length - 1];
        SignatureContext.CopyTo(signed);
        unsignedPayload[1..].CopyTo(signed.AsSpan(SignatureContext.Length));
        return signed;
    }

    private static void WriteUnsigned(Span<byte> payload, NameRecord record)
    {
        payload[0] = ControlKinds.NameRecord;
        payload[1] = Version;
        // The list flags say whether a list follows, so they follow the lists rather than the caller; a relay needs endpoints.
        var listFlags = (record.ExitPrefixes.Length > 0 ? NameRecordFlags.Exits : NameRecordFlags.None)
            | (record.PublicEndpoints.Length > 0 ? NameRecordFlags.Endpoints : NameRecordFlags.None);
        var relayFlag = record.PublicEndpoints.Length > 0 ? record.Flags & NameRecordFlags.Relay : NameRecordFlags.None;
        payload[2] = (byte)((record.Flags & ~(NameRecordFlags.Exits | NameRecordFlags.Endpoints | NameRecordFlags.Relay)) | listFlags | relayFlag);
        payload[3] = (byte)record.Name.Length;
        record.Key.CopyTo(payload[KeyOffset..]);
        BinaryPrimitives.WriteInt64BigEndian(payload[IssuedOffset..], record.IssuedAtMs);
        BinaryPrimitives.WriteInt64BigEndian(payload[ClaimedOffset..], record.ClaimedAtMs);
        BinaryPrimitives.WriteUInt32BigEndian(payload[LifetimeOffset..], record.LifetimeSeconds);
        BinaryPrimitives.WriteUInt32BigEndian(payload[Ipv4Offset..], record.Ipv4);
        Encoding.ASCII.GetBytes(record.Name, payload[FixedSize..]);
        if (record.ExitPrefixes.Length > 0)
        {
            var offset = FixedSize + record.Name.Length;
            payload[offset++] = (byte)record.ExitPrefixes.Length;
            foreach (var prefix in record.ExitPrefixes)
            {
                offset += PrefixWire.Write(payload[offset..], prefix);
            }
        }

        if (record.PublicEndpoints.Length > 0)
        {
            var offset = FixedSize + record.Name.Length + ExitListSize(record);
            payload[offset++] = (byte)record.PublicEndpoints.Length;
            foreach (var endPoint in record.PublicEndpoints)
            {
                var address = Normal(endPoint.Address);
                payload[offset] = address.AddressFamily == AddressFamily.InterNetwork ? (byte)4 : (byte)6;
                BinaryPrimitives.WriteUInt16BigEndian(payload[(offset + 1)..], (ushort)endPoint.Port);
                address.TryWriteBytes(payload[(offset + 3)..], out var written);
                offset += 3 + written;
            }
        }
    }
}

public enum NameDecodeError
{
    None,
    Truncated,
    UnknownVersion,
    UnknownFlags,
    WrongLength,
    BadName,
    BadTimes,
    BadExits,
    BadEndpoints,
}
