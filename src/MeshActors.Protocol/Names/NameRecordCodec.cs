using System.Buffers.Binary;
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

    public const int MaxSize = FixedSize + NameSyntax.MaxLength + MaxExitListSize + SignatureSize;

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
            || record.ExitPrefixes.Length > MaxExitPrefixes)
        {
            throw new ArgumentException(
                $"a name record needs a 32-byte key, a 64-byte signature, a valid name or none and at most {MaxExitPrefixes} exit prefixes", nameof(record));
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
        if ((flags & ~(NameRecordFlags.Ipv4Auto | NameRecordFlags.Exits)) != 0)
        {
            return NameDecodeError.UnknownFlags;
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

        if (payload.Length != FixedSize + nameLength + exitListSize + SignatureSize)
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

    private static int UnsignedSize(NameRecord record) => FixedSize + record.Name.Length + ExitListSize(record);

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
        // The Exits flag says whether an exit list follows, so it follows the list rather than the caller.
        var exitFlag = record.ExitPrefixes.Length > 0 ? NameRecordFlags.Exits : NameRecordFlags.None;
        payload[2] = (byte)((record.Flags & ~NameRecordFlags.Exits) | exitFlag);
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
}
