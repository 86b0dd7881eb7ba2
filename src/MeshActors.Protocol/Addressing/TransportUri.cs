using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MeshActors.Protocol.Addressing;

public enum TransportKind
{
    Tcp,
    Udp,
    Quic,
}

/// <summary>
/// A link endpoint as written in config and on the command line: <c>[PUBKEYHEX@]scheme://host:port</c> with scheme
/// tcp, udp or quic; IPv6 hosts in brackets. The optional key pins the peer's identity (64 hex characters, kept as
/// text here; the Crypto layer validates it as a point).
/// </summary>
public sealed record TransportUri(TransportKind Kind, string Host, int Port, string? PinnedKeyHex)
{
    public const int PinnedKeyHexLength = 64;

    public static bool TryParse(string? text, [NotNullWhen(true)] out TransportUri? uri, out string problem)
    {
        uri = null;
        problem = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "is empty";
            return false;
        }

        string? key = null;
        var rest = text.Trim();
        var at = rest.IndexOf('@');
        var schemeMark = rest.IndexOf("://", StringComparison.Ordinal);
        if (at >= 0 && (schemeMark < 0 || at < schemeMark))
        {
            key = rest[..at];
            rest = rest[(at + 1)..];
            if (key.Length != PinnedKeyHexLength || !key.All(char.IsAsciiHexDigit))
            {
                problem = $"'{text}': the key before '@' must be {PinnedKeyHexLength} hex characters";
                return false;
            }

            key = key.ToLowerInvariant();
            schemeMark = rest.IndexOf("://", StringComparison.Ordinal);
        }

        if (schemeMark <= 0)
        {
            problem = $"'{text}': expected scheme://host:port with scheme tcp, udp or quic";
            return false;
        }

        TransportKind kind;
        switch (rest[..schemeMark].ToLowerInvariant())
        {
            case "tcp": kind = TransportKind.Tcp; break;
            case "udp": kind = TransportKind.Udp; break;
            case "quic": kind = TransportKind.Quic; break;
            default:
                problem = $"'{text}': unknown scheme '{rest[..schemeMark]}' (use tcp, udp or quic)";
                return false;
        }

        var authority = rest[(schemeMark + 3)..];
        if (authority.Contains('/') || authority.Contains('?') || authority.Contains('#'))
        {
            problem = $"'{text}': only scheme://host:port is allowed, no path or query";
            return false;
        }

        if (!TrySplitHostPort(authority, out var host, out var portText))
        {
            problem = $"'{text}': expected host:port (IPv6 hosts in brackets, e.g. tcp://[::1]:9651)";
            return false;
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            problem = $"'{text}': port must be 1..65535, got '{portText}'";
            return false;
        }

        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            problem = $"'{text}': '{host}' is not a valid host name or address";
            return false;
        }

        uri = new TransportUri(kind, host, port, key);
        return true;
    }

    public static TransportUri Parse(string text) =>
        TryParse(text, out var uri, out var problem) ? uri : throw new FormatException(problem);

    public string Scheme => Kind.ToString().ToLowerInvariant();

    /// <summary>The same endpoint without its key pin: what identifies the address dialled.</summary>
    public string Endpoint => Host.Contains(':') ? $"{Scheme}://[{Host}]:{Port}" : $"{Scheme}://{Host}:{Port}";

    public override string ToString() => PinnedKeyHex is null ? Endpoint : $"{PinnedKeyHex}@{Endpoint}";

    private static bool TrySplitHostPort(string authority, out string host, out string port)
    {
        host = port = "";
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0 || close + 1 >= authority.Length || authority[close + 1] != ':')
            {
                return false;
            }

            host = authority[1..close];
            port = authority[(close + 2)..];
            return host.Length > 0 && Uri.CheckHostName(host) == UriHostNameType.IPv6;
        }

        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || authority.IndexOf(':') != colon)
        {
            return false; // a bare IPv6 address must be bracketed
        }

        host = authority[..colon];
        port = authority[(colon + 1)..];
        return true;
    }
}
