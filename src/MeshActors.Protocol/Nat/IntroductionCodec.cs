using MeshActors.Protocol.Routing;

namespace MeshActors.Protocol.Nat;

/// <summary>
/// Control payload of kind <see cref="ControlKinds.Introduction"/>: the public keys of nodes a rendezvous node has
/// links to, sent to a neighbour so that it punches towards them (PROTOCOL.md §8). Decoding never throws; anything
/// malformed is refused.
/// </summary>
public static class IntroductionCodec
{
    public const byte Version = 1;

    /// <summary>Kind, version, count: the bytes before the keys.</summary>
    public const int HeaderSize = 3;

    public const int KeySize = RouterId.Size;

    /// <summary>Most keys in one introduction: a 515-byte payload, and at most this many punch offers it can start.</summary>
    public const int MaxKeys = 16;

    /// <param name="keys">1 to <see cref="MaxKeys"/> keys of <see cref="KeySize"/> bytes.</param>
    public static byte[] Encode(IReadOnlyList<ReadOnlyMemory<byte>> keys)
    {
        if (keys.Count is 0 or > MaxKeys || keys.Any(key => key.Length != KeySize))
        {
            throw new ArgumentException($"an introduction carries 1 to {MaxKeys} keys of {KeySize} bytes", nameof(keys));
        }

        var payload = new byte[HeaderSize + (keys.Count * KeySize)];
        payload[0] = ControlKinds.Introduction;
        payload[1] = Version;
        payload[2] = (byte)keys.Count;
        for (var i = 0; i < keys.Count; i++)
        {
            keys[i].Span.CopyTo(payload.AsSpan(HeaderSize + (i * KeySize)));
        }

        return payload;
    }

    /// <summary>False for a wrong kind or version, a count of 0 or above <see cref="MaxKeys"/>, or a length that does
    /// not match the count.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out byte[][] keys)
    {
        keys = [];
        if (payload.Length < HeaderSize || payload[0] != ControlKinds.Introduction || payload[1] != Version
            || payload[2] is 0 or > MaxKeys || payload.Length != HeaderSize + (payload[2] * KeySize))
        {
            return false;
        }

        keys = new byte[payload[2]][];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = payload.Slice(HeaderSize + (i * KeySize), KeySize).ToArray();
        }

        return true;
    }
}
