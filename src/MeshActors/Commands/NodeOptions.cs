using System.CommandLine;
using MeshActors.Node.Settings;

namespace MeshActors.Cli.Commands;

/// <summary>The options of a command that reads node settings: <c>--config</c> plus the flags that override it.</summary>
internal sealed class NodeOptions
{
    public Option<FileInfo?> Config { get; } = new("--config", "-c") { Description = "HOCON config file (section meshactors { … }); embedded defaults without it" };

    public Option<string[]> Peers { get; } = new("--peers")
    {
        Description = "Peers to link to, replacing the config's list: [PUBKEY@]tcp://HOST:PORT, udp://…, quic://…",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<int?> Port { get; } = new("--port", "-p") { Description = "Listen on this TCP and UDP port on all addresses" };

    public Option<bool> NoTun { get; } = new("--no-tun") { Description = "Do not create a TUN device: route for others and serve the message bus only" };

    public Option<bool> AuditEncryption { get; } = new("--audit-encryption") { Description = "Refuse (and count) any data frame not sealed end to end" };

    public Option<string?> TunName { get; } = new("--tun-name") { Description = "TUN interface name" };

    public Option<string?> KeyFile { get; } = new("--key-file", "-k") { Description = "Secret key file (created with mode 0600 when missing)" };

    public Option<string?> DataDir { get; } = new("--data-dir") { Description = "Folder for the state kept across restarts (created with mode 0700)" };

    public Option<string?> ApiAddress { get; } = new("--api-addr") { Description = "Local HTTP API endpoint HOST:PORT" };

    public Option<string?> DnsAddress { get; } = new("--dns-addr") { Description = "Serve DNS for the mesh's names on HOST:PORT (dns.address)" };

    public Option<string?> Socks { get; } = new("--socks") { Description = "Serve a SOCKS5 gateway into the mesh on loopback HOST:PORT (socks.listen)" };

    public Option<string[]> Discovery { get; } = new("--discovery")
    {
        Description = "Turn on a discovery mode: lan (find and link to nodes on the same links by IPv6 link-local multicast), rendezvous (introduce the nodes linked to this one to each other)",
        AllowMultipleArgumentsPerToken = true,
    };

    public void AddTo(Command command, bool keyFileOnly = false)
    {
        command.Options.Add(Config);
        command.Options.Add(KeyFile);
        if (keyFileOnly)
        {
            return;
        }

        command.Options.Add(Peers);
        command.Options.Add(Port);
        command.Options.Add(NoTun);
        command.Options.Add(AuditEncryption);
        command.Options.Add(TunName);
        command.Options.Add(ApiAddress);
        command.Options.Add(DnsAddress);
        command.Options.Add(Socks);
        command.Options.Add(DataDir);
        command.Options.Add(Discovery);
    }

    /// <param name="mesh">For a config with <c>meshes</c>: the one to load (<c>--mesh</c>).</param>
    public NodeSettings Load(ParseResult parsed, FileInfo? positionalConfig = null, string? mesh = null)
    {
        var flagConfig = parsed.GetValue(Config);
        if (flagConfig is not null && positionalConfig is not null && flagConfig.FullName != positionalConfig.FullName)
        {
            throw new ConfigException(new ConfigError(SettingsOverrides.Source, null, "--config", "given twice with different files"));
        }

        return SettingsLoader.Load((positionalConfig ?? flagConfig)?.FullName, Overrides(parsed), mesh);
    }

    public SettingsOverrides Overrides(ParseResult parsed) =>
        new()
        {
            Peers = parsed.GetResult(Peers) is null ? null : parsed.GetValue(Peers),
            Port = parsed.GetValue(Port),
            NoTun = parsed.GetValue(NoTun),
            AuditEncryption = parsed.GetValue(AuditEncryption),
            TunName = parsed.GetValue(TunName),
            KeyFile = parsed.GetValue(KeyFile),
            ApiAddress = parsed.GetValue(ApiAddress),
            DnsAddress = parsed.GetValue(DnsAddress),
            SocksListen = parsed.GetValue(Socks),
            DataDir = parsed.GetValue(DataDir),
            Discovery = parsed.GetValue(Discovery),
        };
}
