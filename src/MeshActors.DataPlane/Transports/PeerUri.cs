using System.Diagnostics.CodeAnalysis;
using MeshActors.Crypto;

namespace MeshActors.DataPlane.Transports;

public enum TransportScheme
{
    Tcp,
    Udp,
    Quic,
}

/// <summary>
/// A peer address as written in configuration and on the command line: <c>[pubkey@]scheme://host:port</c> with
/// scheme tcp, udp or quic, host a name, an IPv4 address or a bracketed IPv6 address, and the optional 64-hex-digit
/// public identity pinning the peer (IK handshake; without it XX and the admission policy judge the peer).
/// </summary>
public sealed record PeerUri(TransportScheme Scheme, string Host, int Port, PublicIdentity? Pinned)
{
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out PeerUri? uri, out string problem)
    {
        uri = null;
        problem = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "empty peer address";
            return false;
        }

        PublicIdentity? pinned = null;
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        var at = text.IndexOf('@');
        if (at >= 0 && (schemeEnd < 0 || at < schemeEnd))
        {
            if (!PublicIdentity.TryParse(text[..at], out var identity))
            {
                problem = "the part before '@' is not a 64-hex-digit public identity";
                return false;
            }

            pinned = identity;
            text = text[(at + 1)..];
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || parsed.Port <= 0 || string.IsNullOrEmpty(parsed.Host)
            || parsed.AbsolutePath is not ("/" or ""))
        {
            problem = $"'{text}' is not scheme://host:port";
            return false;
        }

        TransportScheme? scheme = parsed.Scheme switch
        {
            "tcp" => TransportScheme.Tcp,
            "udp" => TransportScheme.Udp,
            "quic" => TransportScheme.Quic,
            _ => null,
        };
        if (scheme is null)
        {
            problem = $"unknown transport '{parsed.Scheme}' (tcp, udp or quic)";
            return false;
        }

        uri = new PeerUri(scheme.Value, parsed.IdnHost, parsed.Port, pinned);
        return true;
    }

    public static PeerUri Parse(string text) =>
        TryParse(text, out var uri, out var problem) ? uri : throw new FormatException($"peer address: {problem}");

    public override string ToString()
    {
        var host = Host.Contains(':') ? $"[{Host}]" : Host;
        var pin = Pinned is { } identity ? $"{identity}@" : "";
        return $"{pin}{Scheme.ToString().ToLowerInvariant()}://{host}:{Port}";
    }
}
