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

    public const int MaxSize = FixedSize + NameSyntax.MaxLength + SignatureSize;

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
        var payload = new byte[FixedSize + record.Name.Length + SignatureSize];
        WriteUnsigned(payload, record);
        return SignedBytes(payload.AsSpan(0, FixedSize + record.Name.Length));
    }

    public static byte[] Encode(NameRecord record)
    {
        if (record.Signature.Length != SignatureSize || record.Key.Length != KeySize || (record.Name.Length > 0 && !NameSyntax.IsValid(record.Name)))
        {
            throw new ArgumentException("a name record needs a 32-byte key, a 64-byte signature and a valid name or none", nameof(record));
        }

        var payload = new byte[FixedSize + record.Name.Length + SignatureSize];
        WriteUnsigned(payload, record);
        record.Signature.CopyTo(payload.AsSpan(FixedSize + record.Name.Length));
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
        if ((flags & ~NameRecordFlags.Ipv4Auto) != 0)
        {
            return NameDecodeError.UnknownFlags;
        }

        var nameLength = payload[3];
        if (payload.Length != FixedSize + nameLength + SignatureSize)
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
            payload[(FixedSize + nameLength)..].ToArray());
        return NameDecodeError.None;
    }

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
        payload[2] = (byte)record.Flags;
        payload[3] = (byte)record.Name.Length;
        record.Key.CopyTo(payload[KeyOffset..]);
        BinaryPrimitives.WriteInt64BigEndian(payload[IssuedOffset..], record.IssuedAtMs);
        BinaryPrimitives.WriteInt64BigEndian(payload[ClaimedOffset..], record.ClaimedAtMs);
        BinaryPrimitives.WriteUInt32BigEndian(payload[LifetimeOffset..], record.LifetimeSeconds);
        BinaryPrimitives.WriteUInt32BigEndian(payload[Ipv4Offset..], record.Ipv4);
        Encoding.ASCII.GetBytes(record.Name, payload[FixedSize..]);
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
}
