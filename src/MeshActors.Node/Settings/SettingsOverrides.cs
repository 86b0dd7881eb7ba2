using MeshActors.DataPlane.Transports;
using MeshActors.Protocol.Addressing;

namespace MeshActors.Node.Settings;

/// <summary>Command-line flags that override the config file. Null means "not given".</summary>
public sealed record SettingsOverrides
{
    public const string Source = "command line";

    public IReadOnlyList<string>? Peers { get; init; }

    public int? Port { get; init; }

    public bool NoTun { get; init; }

    public bool AuditEncryption { get; init; }

    public string? TunName { get; init; }

    public string? KeyFile { get; init; }

    public string? DataDir { get; init; }

    public string? ApiAddress { get; init; }

    public string? DnsAddress { get; init; }

    public string? SocksListen { get; init; }

    /// <summary>Discovery modes to turn on (<c>lan</c>).</summary>
    public IReadOnlyList<string>? Discovery { get; init; }

    /// <summary>Applies the flags, validating each with the same rules as the config keys; errors name the flag.</summary>
    public NodeSettings ApplyTo(NodeSettings settings)
    {
        var errors = new List<ConfigError>();
        void Fail(string flag, string problem) => errors.Add(new ConfigError(Source, null, flag, problem));

        var result = settings;
        if (Peers is not null)
        {
            var peers = new List<PeerUri>();
            foreach (var text in Peers)
            {
                if (PeerUriCheck.TryParse(text, out var uri, out var problem))
                {
                    peers.Add(uri);
                }
                else
                {
                    Fail("--peers", problem);
                }
            }

            result = result with { Peers = peers };
        }

        if (Port is { } port)
        {
            if (port is < 1 or > 65535)
            {
                Fail("--port", $"must be 1..65535, got {port}");
            }
            else
            {
                result = result with
                {
                    Listen = [new PeerUri(TransportKind.Tcp, "::", port, null), new PeerUri(TransportKind.Udp, "::", port, null)],
                };
            }
        }

        if (NoTun)
        {
            result = result with { Tun = result.Tun with { Enabled = false } };
        }

        if (AuditEncryption)
        {
            result = result with { LinkOptions = result.LinkOptions with { AuditEncryption = true } };
        }

        if (TunName is not null)
        {
            if (!TunSettings.IsValidName(TunName, out var problem))
            {
                Fail("--tun-name", problem);
            }

            result = result with { Tun = result.Tun with { Name = TunName } };
        }

        if (KeyFile is not null)
        {
            if (KeyFile.Trim().Length == 0)
            {
                Fail("--key-file", "must not be empty");
            }

            result = result with { KeyFile = KeyFile };
        }

        if (DataDir is not null)
        {
            if (DataDir.Trim().Length == 0)
            {
                Fail("--data-dir", "must not be empty");
            }

            result = result with { State = result.State with { DataDir = DataDir } };
        }

        if (ApiAddress is not null)
        {
            if (EndPointText.TryParse(ApiAddress, out var endPoint))
            {
                result = result with { ApiAddress = endPoint };
            }
            else
            {
                Fail("--api-addr", $"must be HOST:PORT with a numeric address (e.g. 127.0.0.1:8989), got '{ApiAddress}'");
            }
        }

        if (DnsAddress is not null)
        {
            if (EndPointText.TryParse(DnsAddress, out var endPoint))
            {
                result = result with { Dns = result.Dns with { Address = endPoint } };
            }
            else
            {
                Fail("--dns-addr", $"must be HOST:PORT with a numeric address (e.g. 127.0.0.1:5353), got '{DnsAddress}'");
            }
        }

        if (SocksListen is not null)
        {
            if (!EndPointText.TryParse(SocksListen, out var endPoint))
            {
                Fail("--socks", $"must be HOST:PORT with a numeric loopback address (e.g. 127.0.0.1:1080), got '{SocksListen}'");
            }
            else if (!SocksSettings.IsLoopback(endPoint))
            {
                Fail("--socks", $"{SocksSettings.LoopbackOnly}, got '{SocksListen}'");
            }
            else
            {
                result = result with { Socks = result.Socks with { Listen = endPoint } };
            }
        }

        foreach (var mode in Discovery ?? [])
        {
            switch (mode)
            {
                case "lan":
                    result = result with { Discovery = result.Discovery with { Lan = true } };
                    break;
                case "rendezvous":
                    result = result with { Discovery = result.Discovery with { Rendezvous = true } };
                    break;
                default:
                    Fail("--discovery", $"must be lan or rendezvous, got '{mode}'");
                    break;
            }
        }

        return errors.Count > 0 ? throw new ConfigException(errors) : result;
    }
}
