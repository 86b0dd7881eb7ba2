using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MeshActors.Node.State;

/// <summary>
/// Layout of one snapshot file: a fixed header, then the serialized state. The header lets a loader refuse a file
/// before any serializer sees it: wrong magic, a format or section version this build does not know, a file written
/// by another node key, a length that disagrees with the file (truncated), or a payload whose SHA-256 does not match
/// (corrupt). All integers big-endian.
/// <code>
///  0  6  magic "MASNAP"
///  6  2  file format version (this header's layout)
///  8  2  section version (the layout of the section's state types)
/// 10 32  public key of the node that wrote it
/// 42  4  payload length, bytes
/// 46 32  SHA-256 of the payload
/// 78  …  payload (Hyperion, allow-listed types only)
/// </code>
/// </summary>
public static class SnapshotFile
{
    public const ushort FormatVersion = 1;

    public const int HeaderSize = 78;

    /// <summary>Largest payload a snapshot may carry, bytes (1 GiB): above every configurable bus limit's sum, and a
    /// damaged length can never make the loader read more.</summary>
    public const int MaxPayloadSize = 1 << 30;

    private const int OwnerSize = 32;

    private static ReadOnlySpan<byte> Magic => "MASNAP"u8;

    public static byte[] Encode(ushort sectionVersion, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> payload)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(owner.Length, OwnerSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, MaxPayloadSize);
        var file = new byte[HeaderSize + payload.Length];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt16BigEndian(file.AsSpan(6), FormatVersion);
        BinaryPrimitives.WriteUInt16BigEndian(file.AsSpan(8), sectionVersion);
        owner.CopyTo(file.AsSpan(10));
        BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(42), payload.Length);
        SHA256.HashData(payload, file.AsSpan(46, 32));
        payload.CopyTo(file.AsSpan(HeaderSize));
        return file;
    }

    /// <summary>True with the payload of <paramref name="file"/>, or false with what is wrong with the file.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> file, ushort sectionVersion, ReadOnlySpan<byte> owner, out ReadOnlyMemory<byte> payload, out string problem)
    {
        var bytes = file.Span;
        problem = bytes switch
        {
            _ when bytes.Length < HeaderSize => $"truncated: {bytes.Length} bytes, shorter than the {HeaderSize}-byte header",
            _ when !bytes[..6].SequenceEqual(Magic) => "not a snapshot file (bad magic)",
            _ when BinaryPrimitives.ReadUInt16BigEndian(bytes[6..]) != FormatVersion =>
                $"unknown file format version {BinaryPrimitives.ReadUInt16BigEndian(bytes[6..])} (this build reads {FormatVersion})",
            _ when BinaryPrimitives.ReadUInt16BigEndian(bytes[8..]) != sectionVersion =>
                $"unknown section version {BinaryPrimitives.ReadUInt16BigEndian(bytes[8..])} (this build reads {sectionVersion})",
            _ when !bytes.Slice(10, OwnerSize).SequenceEqual(owner) => "written by another node key",
            _ when BinaryPrimitives.ReadInt32BigEndian(bytes[42..]) != bytes.Length - HeaderSize =>
                $"truncated or padded: header says {BinaryPrimitives.ReadInt32BigEndian(bytes[42..])} payload bytes, file has {bytes.Length - HeaderSize}",
            _ when !SHA256.HashData(bytes[HeaderSize..]).AsSpan().SequenceEqual(bytes.Slice(46, 32)) => "corrupt: payload checksum mismatch",
            _ => "",
        };
        payload = problem.Length == 0 ? file[HeaderSize..] : default;
        return problem.Length == 0;
    }
}
