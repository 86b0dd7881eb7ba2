namespace MeshActors.Protocol.Socks;

/// <summary>
/// The client's first message (VER, NMETHODS, METHODS) and the server's method choice (VER, METHOD). Pure: bytes in,
/// a verdict out; the caller reads until the verdict is not <see cref="SocksParse.NeedMore"/>.
/// </summary>
public static class Socks5Greeting
{
    /// <summary>Reads a greeting from the start of <paramref name="input"/>; <paramref name="length"/> is its length when complete.</summary>
    public static SocksParse TryRead(ReadOnlySpan<byte> input, out int length)
    {
        length = 0;
        if (input.Length == 0)
        {
            return SocksParse.NeedMore;
        }

        if (input[0] != Socks5.Version)
        {
            return SocksParse.BadVersion;
        }

        if (input.Length < 2)
        {
            return SocksParse.NeedMore;
        }

        var count = input[1];
        if (count == 0)
        {
            return SocksParse.Malformed;
        }

        if (input.Length < 2 + count)
        {
            return SocksParse.NeedMore;
        }

        length = 2 + count;
        return input.Slice(2, count).Contains(Socks5.NoAuthentication) ? SocksParse.Complete : SocksParse.NoAcceptableMethod;
    }

    /// <summary>Writes the method choice (2 bytes): "no authentication", or "none acceptable" when <paramref name="accepted"/> is false.</summary>
    public static int WriteChoice(Span<byte> destination, bool accepted)
    {
        destination[0] = Socks5.Version;
        destination[1] = accepted ? Socks5.NoAuthentication : Socks5.NoAcceptableMethod;
        return 2;
    }
}
