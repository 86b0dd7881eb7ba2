using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MeshActors.DataPlane.Tun;
using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Addressing;
using Serilog.Events;

namespace MeshActors.Node.Settings;

/// <summary>Link URIs as settings accept them: well-formed, a valid pinned key, and a transport this platform has.</summary>
public static class PeerUriCheck
{
    public static bool TryParse(string text, [NotNullWhen(true)] out PeerUri? uri, out string problem)
    {
        if (!PeerUri.TryParse(text, out uri, out problem))
        {
            return false;
        }

        if (uri.Scheme == TransportKind.Quic && !QuicAvailable)
        {
            problem = $"'{text}': QUIC is not available on this platform (no libmsquic); use tcp:// or udp://";
            uri = null;
            return false;
        }

        return true;
    }

    private static bool QuicAvailable =>
        (OperatingSystem.IsLinux() || OperatingSystem.IsWindows() || OperatingSystem.IsMacOS())
        && System.Net.Quic.QuicConnection.IsSupported;
}

public static class AdmissionModes
{
    private static readonly Dictionary<string, AdmissionMode> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["open"] = AdmissionMode.Open,
        ["allow-list"] = AdmissionMode.AllowList,
        ["network-key"] = AdmissionMode.NetworkKey,
        ["allow-list-and-network-key"] = AdmissionMode.AllowListAndNetworkKey,
        ["allow-list-or-network-key"] = AdmissionMode.AllowListOrNetworkKey,
    };

    public static string Names => string.Join(", ", ByName.Keys);

    public static bool TryParse(string text, out AdmissionMode mode) => ByName.TryGetValue(text, out mode);

    public static string Name(AdmissionMode mode) => ByName.First(pair => pair.Value == mode).Key;
}

public static class LogLevels
{
    private static readonly Dictionary<string, LogEventLevel> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["verbose"] = LogEventLevel.Verbose,
        ["debug"] = LogEventLevel.Debug,
        ["info"] = LogEventLevel.Information,
        ["warning"] = LogEventLevel.Warning,
        ["error"] = LogEventLevel.Error,
        ["fatal"] = LogEventLevel.Fatal,
    };

    public static string Names => string.Join(", ", ByName.Keys);

    public static bool TryParse(string text, out LogEventLevel level) => ByName.TryGetValue(text, out level);
}

/// <summary><c>dataplane.data-frame-sealing</c>: what a link seals of a Data frame (true = the whole frame).</summary>
public static class DataFrameSealings
{
    private static readonly Dictionary<string, bool> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["header"] = false,
        ["whole"] = true,
    };

    public static string Names => string.Join(", ", ByName.Keys);

    public static bool TryParse(string text, out bool sealWhole) => ByName.TryGetValue(text, out sealWhole);
}

public static class Ipv4Text
{
    public static bool TryParseAddress(string text, out TunAddress address)
    {
        address = default;
        var slash = text.IndexOf('/');
        if (slash <= 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var ip) || ip.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > 32)
        {
            return false;
        }

        address = new TunAddress(ip, length);
        return true;
    }
}

/// <summary>HOST:PORT with a numeric host: "127.0.0.1:8989" or "[::1]:8989". Port 0 asks the OS for a free port.</summary>
public static class EndPointText
{
    public static bool TryParse(string text, [NotNullWhen(true)] out IPEndPoint? endPoint)
    {
        endPoint = null;
        string host;
        string port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = text[1..close];
            port = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || text.IndexOf(':') != colon)
            {
                return false;
            }

            host = text[..colon];
            port = text[(colon + 1)..];
        }

        var bracketed = text.StartsWith('[');
        if (!IPAddress.TryParse(host, out var address) || address.ToString().Contains('%')
            || (bracketed ? address.AddressFamily != AddressFamily.InterNetworkV6 : host.Count(c => c == '.') != 3)
            || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > 65535)
        {
            return false;
        }

        endPoint = new IPEndPoint(address, number);
        return true;
    }
}

/// <summary>Durations as config writes them: a whole number and a unit, ms, s, m or h ("500ms", "3s", "2m").</summary>
public static class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var trimmed = text.Trim();
        var split = 0;
        while (split < trimmed.Length && char.IsAsciiDigit(trimmed[split]))
        {
            split++;
        }

        if (split == 0 || !long.TryParse(trimmed.AsSpan(0, split), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        Func<double, TimeSpan>? unit = trimmed[split..].Trim() switch
        {
            "ms" => TimeSpan.FromMilliseconds,
            "s" => TimeSpan.FromSeconds,
            "m" => TimeSpan.FromMinutes,
            "h" => TimeSpan.FromHours,
            _ => null,
        };
        if (unit is null || number > 1_000_000_000)
        {
            return false;
        }

        value = unit(number);
        return true;
    }

    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds < 1000 || value.TotalMilliseconds % 1000 != 0 ? $"{value.TotalMilliseconds:0}ms"
        : value.TotalSeconds < 60 || value.TotalSeconds % 60 != 0 ? $"{value.TotalSeconds:0}s"
        : $"{value.TotalMinutes:0}m";
}
