using MeshActors.Crypto;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Links;
using MeshActors.Node.Settings;
using MeshActors.Node.Tunnels;
using MeshActors.Protocol.Addressing;
using MeshActors.Protocol.Tunnels;
using MeshActors.Routing;
using Serilog.Events;

namespace MeshActors.Node.Tests.Settings;

public class NodeSettingsTests
{
    private static NodeSettings Parse(string text) => NodeSettingsReader.Read(HoconSource.FromText(text, "node.hocon"));

    private static ConfigError SingleError(string text)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(text));
        return Assert.Single(error.Errors);
    }

    [Fact]
    public void Embedded_defaults_alone_give_a_working_node()
    {
        var settings = NodeSettingsReader.Read(HoconSource.Load(null));

        Assert.Equal("priv_key.bin", settings.KeyFile);
        Assert.Equal(OverlayAddressing.DefaultPrefix, settings.OverlayPrefix);
        Assert.Equal(["tcp://[::]:9651", "udp://[::]:9651"], settings.Listen.Select(u => u.ToString()));
        Assert.Empty(settings.Peers);
        Assert.Equal(AdmissionMode.Open, settings.Admission.Mode);
        Assert.Equal(new TunSettings(true, "mesh0", 65000), settings.Tun);
        Assert.Equal("127.0.0.1:8989", settings.ApiAddress.ToString());
        Assert.Equal(LogEventLevel.Information, settings.LogLevel);
    }

    [Fact]
    public void Shipped_example_and_lab_configs_are_valid()
    {
        var files = Directory.EnumerateFiles(Path.Combine(RepoRoot(), "hocon"), "*.*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(RepoRoot(), "deploy"), "*.hocon", SearchOption.AllDirectories))
            .ToList();

        Assert.True(files.Count >= 8, $"found only {files.Count} config files");
        foreach (var file in files)
        {
            NodeSettingsReader.Read(HoconSource.Load(file));
        }
    }

    [Fact]
    public void Every_key_is_read_into_typed_settings()
    {
        var settings = Parse("""
            meshactors {
              node-name = "alpha"
              key-file = "/var/lib/meshactors/key.bin"
              overlay-prefix = "fd00::/8"
              listen = ["tcp://0.0.0.0:7000", "udp://[::1]:7001"]
              peers = ["03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8@tcp://peer.example:9651", "udp://10.0.0.2:9651"]
              admission {
                mode = allow-list-or-network-key
                allowed-keys = ["03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"]
                network-key = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
              }
              tun { enabled = off, name = "ma0", mtu = 1400, segmentation-offload = off }
              ipv4 { addresses = ["10.220.0.1/24"], prefixes = ["192.168.5.0/24"] }
              api.address = "[::1]:9000"
              ipv4 { network = "10.250.0.0/16", conflict-check-interval = 5s }
              names { refresh-interval = 10s, record-lifetime = 30s, max-records = 100, max-clock-skew = 5s }
              dns { address = "127.0.0.1:5353", domain = "Example.Mesh.", ttl = 10s }
              socks { listen = "[::1]:1080", max-sessions = 8, handshake-timeout = 2s, connect-timeout = 3s, buffer-size = 4096 }
              dataplane.audit-encryption = on
              log-level = debug
            }
            """);

        Assert.Equal("alpha", settings.NodeName);
        Assert.Equal("fd00::/8", settings.OverlayPrefix.ToString());
        Assert.Equal(TransportKind.Udp, settings.Listen[1].Scheme);
        Assert.Equal("::1", settings.Listen[1].Host);
        Assert.Equal("03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8", settings.Peers[0].Pinned.ToString());
        Assert.Equal("peer.example", settings.Peers[0].Host);
        Assert.Equal(AdmissionMode.AllowListOrNetworkKey, settings.Admission.Mode);
        Assert.Single(settings.Admission.AllowedKeys);
        Assert.Equal(32, settings.Admission.NetworkKey!.Length);
        Assert.Equal(new TunSettings(false, "ma0", 1400, ChecksumOffload: true, SegmentationOffload: false), settings.Tun);
        Assert.Equal("10.220.0.1/24", Assert.Single(settings.Ipv4.Addresses).ToString());
        Assert.Equal("192.168.5.0/24", Assert.Single(settings.Ipv4.Prefixes).ToString());
        Assert.Equal("[::1]:9000", settings.ApiAddress.ToString());
        Assert.Equal(LogEventLevel.Debug, settings.LogLevel);
        Assert.True(settings.LinkOptions.AuditEncryption);
        Assert.Equal(new Ipv4NetworkSettings(Protocol.IpPrefix.Parse("10.250.0.0/16"), TimeSpan.FromSeconds(5)), settings.Ipv4Network);
        Assert.Equal(new NameSettings(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), 100, TimeSpan.FromSeconds(5)), settings.Names);
        Assert.Equal(new DnsSettings(System.Net.IPEndPoint.Parse("127.0.0.1:5353"), "example.mesh", TimeSpan.FromSeconds(10)), settings.Dns);
        Assert.Equal(new SocksSettings(System.Net.IPEndPoint.Parse("[::1]:1080"), 8, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), 4096), settings.Socks);
    }

    [Fact]
    public void Socks_flag_turns_the_gateway_on_on_loopback_only_and_bad_values_name_the_flag()
    {
        Assert.Null(Parse("meshactors {}").Socks.Listen);
        Assert.Equal(SocksSettings.Off, Parse("meshactors {}").Socks);
        Assert.Equal("127.0.0.2:1080", new SettingsOverrides { SocksListen = "127.0.0.2:1080" }.ApplyTo(Parse("meshactors {}")).Socks.Listen!.ToString());

        foreach (var (text, problem) in new[] { ("0.0.0.0:1080", "must be a loopback address"), ("[::]:1080", "must be a loopback address"), ("10.0.0.1:1080", "must be a loopback address"), ("localhost:1080", "numeric loopback address") })
        {
            var error = Assert.Single(Assert.Throws<ConfigException>(() => new SettingsOverrides { SocksListen = text }.ApplyTo(Parse("meshactors {}"))).Errors);
            Assert.Equal("--socks", error.Key);
            Assert.Contains(problem, error.Problem);
        }
    }

    [Fact]
    public void Dns_addr_flag_turns_the_dns_server_on_and_bad_values_name_the_flag()
    {
        var settings = new SettingsOverrides { DnsAddress = "127.0.0.1:5300" }.ApplyTo(Parse("meshactors {}"));
        Assert.Equal("127.0.0.1:5300", settings.Dns.Address!.ToString());
        Assert.Null(Parse("meshactors {}").Dns.Address);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => new SettingsOverrides { DnsAddress = "nowhere" }.ApplyTo(Parse("meshactors {}"))).Errors);
        Assert.Equal("--dns-addr", error.Key);
    }

    [Fact]
    public void Tunnels_expose_nothing_by_default_and_bad_entries_name_their_key()
    {
        var defaults = Parse("meshactors {}").Tunnels;
        Assert.Empty(defaults.Expose);
        Assert.Empty(defaults.Forward);
        Assert.Equal((256, TimeSpan.FromSeconds(60)), (defaults.MaxStreams, defaults.IdleTimeout));

        var tunnels = Parse("""meshactors { tunnels { expose = ["tcp/5201", "udp/53"], forward = ["tcp 15201 bob:5201", "udp 1053 [fd6d::1]:53"], max-streams = 8, idle-timeout = 5s } }""").Tunnels;
        Assert.True(tunnels.Exposes(TunnelProtocol.Tcp, 5201));
        Assert.True(tunnels.Exposes(TunnelProtocol.Udp, 53));
        Assert.False(tunnels.Exposes(TunnelProtocol.Udp, 5201));
        Assert.Equal(
            [new TunnelSpec(TunnelProtocol.Tcp, 15201, "bob", 5201), new TunnelSpec(TunnelProtocol.Udp, 1053, "fd6d::1", 53)],
            tunnels.Forward);
        Assert.Equal("udp 1053 [fd6d::1]:53", tunnels.Forward[1].ToString());
        Assert.Equal((8, TimeSpan.FromSeconds(5)), (tunnels.MaxStreams, tunnels.IdleTimeout));

        var exposed = SingleError("""meshactors { tunnels.expose = ["tcp/0"] }""");
        Assert.Equal("meshactors.tunnels.expose", exposed.Key);
        Assert.Contains("'tcp/0'", exposed.Problem);
        var forward = SingleError("""meshactors { tunnels.forward = ["sctp 1 bob:2"] }""");
        Assert.Equal("meshactors.tunnels.forward", forward.Key);
        Assert.Contains("'sctp'", forward.Problem);
        Assert.Equal("meshactors.tunnels.forward", SingleError("""meshactors { tunnels.forward = ["tcp 15201 bob"] }""").Key);
    }

    [Fact]
    public void Discovery_modes_are_off_by_default_the_flag_or_the_keys_turn_them_on_and_a_bad_mode_names_the_flag()
    {
        Assert.Equal(DiscoverySettings.Default, Parse("meshactors {}").Discovery);
        Assert.False(DiscoverySettings.Default.Lan);
        Assert.False(DiscoverySettings.Default.Rendezvous);
        Assert.True(new SettingsOverrides { Discovery = ["lan"] }.ApplyTo(Parse("meshactors {}")).Discovery.Lan);
        var both = new SettingsOverrides { Discovery = ["rendezvous", "lan"] }.ApplyTo(Parse("meshactors {}")).Discovery;
        Assert.True(both.Rendezvous && both.Lan);
        Assert.Equal(
            new DiscoverySettings(true, TimeSpan.FromSeconds(1), 9700, Rendezvous: true),
            Parse("meshactors { discovery { lan = on, lan-interval = 1s, lan-port = 9700, rendezvous = on } }").Discovery);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => new SettingsOverrides { Discovery = ["wan"] }.ApplyTo(Parse("meshactors {}"))).Errors);
        Assert.Equal("--discovery", error.Key);
        Assert.Contains("'wan'", error.Problem);
    }

    [Theory]
    [InlineData("meshactors {\n  tun {\n    mtu = 70000\n  }\n}", 3, "meshactors.tun.mtu", "must be 1280..65000, got 70000")]
    [InlineData("meshactors {\n  tun.mtu = abc\n}", 2, "meshactors.tun.mtu", "must be a whole number, got 'abc'")]
    [InlineData("meshactors {\n  tun {\n    nmae = x\n  }\n}", 3, "meshactors.tun.nmae", "unknown key (did you mean 'name'?)")]
    [InlineData("meshactors {\n  peers = [\"ftp://a:1\"]\n}", 2, "meshactors.peers", "unknown scheme 'ftp'")]
    [InlineData("meshactors {\n  peers = [\"tcp://a:0\"]\n}", 2, "meshactors.peers", "port must be 1..65535")]
    [InlineData("meshactors {\n  peers = [\"tcp://a:99999\"]\n}", 2, "meshactors.peers", "port must be 1..65535")]
    [InlineData("meshactors {\n  peers = [\"tcp://::1:80\"]\n}", 2, "meshactors.peers", "IPv6 hosts in brackets")]
    [InlineData("meshactors {\n  peers = [\"abc@tcp://a:80\"]\n}", 2, "meshactors.peers", "64 hex characters")]
    [InlineData("meshactors {\n  peers = [\"quic://a:80\"]\n}", 2, "meshactors.peers", "QUIC is not available on this platform")]
    [InlineData("meshactors {\n  peers = \"tcp://a:80\"\n}", 2, "meshactors.peers", "must be a list")]
    [InlineData("meshactors {\n  listen = [\"tcp://0.0.0.0:65536\"]\n}", 2, "meshactors.listen", "port must be 1..65535")]
    [InlineData("meshactors {\n  tun.enabled = maybe\n}", 2, "meshactors.tun.enabled", "must be on/off")]
    [InlineData("meshactors {\n  tun.name = \"much-too-long-name\"\n}", 2, "meshactors.tun.name", "must be 1..15 characters")]
    [InlineData("meshactors {\n  overlay-prefix = \"10.0.0.0/8\"\n}", 2, "meshactors.overlay-prefix", "must be an IPv6 prefix")]
    [InlineData("meshactors {\n  overlay-prefix = \"fd6d::/64\"\n}", 2, "meshactors.overlay-prefix", "length must be 8..48")]
    [InlineData("meshactors {\n  api.address = \"localhost\"\n}", 2, "meshactors.api.address", "must be HOST:PORT")]
    [InlineData("meshactors {\n  api.address = \"127.0.0.1:70000\"\n}", 2, "meshactors.api.address", "must be HOST:PORT")]
    [InlineData("meshactors {\n  log-level = loud\n}", 2, "meshactors.log-level", "must be one of verbose, debug, info")]
    [InlineData("meshactors {\n  admission.mode = closed\n}", 2, "meshactors.admission.mode", "must be one of open, allow-list")]
    [InlineData("meshactors {\n  admission.mode = network-key\n}", 2, "meshactors.admission.network-key", "is required by admission.mode = network-key")]
    [InlineData("meshactors {\n  admission.network-key = \"abcd\"\n}", 2, "meshactors.admission.network-key", "must be 64 hex characters")]
    [InlineData("meshactors {\n  admission.mode = allow-list\n}", 2, "meshactors.admission.allowed-keys", "must list at least one key")]
    [InlineData("meshactors {\n  admission.allowed-keys = [\"00\"]\n}", 2, "meshactors.admission.allowed-keys", "is not a public key")]
    [InlineData("meshactors {\n  ipv4.addresses = [\"10.1.1.1\"]\n}", 2, "meshactors.ipv4.addresses", "is not an IPv4 address with prefix length")]
    [InlineData("meshactors {\n  ipv4.prefixes = [\"fd00::/8\"]\n}", 2, "meshactors.ipv4.prefixes", "is not an IPv4 prefix")]
    [InlineData("meshactors {\n  tun = on\n}", 2, "meshactors.tun", "must be an object")]
    [InlineData("meshactor {\n  tun.mtu = 1400\n}", 1, "meshactor", "unknown top-level key")]
    [InlineData("meshactors {\n  links {\n    handshake-timeout = 100ms\n  }\n}", 3, "meshactors.links.handshake-timeout", "must be 500ms..30s, got 100ms")]
    [InlineData("meshactors {\n  links.handshake-timeout = soon\n}", 2, "meshactors.links.handshake-timeout", "must be a duration like 500ms")]
    [InlineData("meshactors {\n  links.max-pending-handshakes = 0\n}", 2, "meshactors.links.max-pending-handshakes", "must be 1..65536, got 0")]
    [InlineData("meshactors {\n  links.max-half-open = 8\n}", 2, "meshactors.links.max-half-open", "must be 16..65536, got 8")]
    [InlineData("meshactors {\n  links.send-ring-capacity = 1000\n}", 2, "meshactors.links.send-ring-capacity", "must be a power of two (the ring would round it up to 1024), got 1000")]
    [InlineData("meshactors {\n  links.send-ring-capacity = 1048576\n}", 2, "meshactors.links.send-ring-capacity", "must be 16..65536, got 1048576")]
    [InlineData("meshactors {\n  links.udp-max-frame-size = 1280\n}", 2, "meshactors.links.udp-max-frame-size", "must be 1384..65507, got 1280")]
    [InlineData("meshactors {\n  links.udp-max-frame-size = 1.5k\n}", 2, "meshactors.links.udp-max-frame-size", "must be a whole number, got '1.5k'")]
    [InlineData("meshactors {\n  links.send-ring = 64\n}", 2, "meshactors.links.send-ring", "unknown key")]
    [InlineData("meshactors {\n  dataplane {\n    data-frame-sealing = full\n  }\n}", 3, "meshactors.dataplane.data-frame-sealing", "must be one of header, whole, got 'full'")]
    [InlineData("meshactors {\n  dataplane.data-frame-sealing = [header]\n}", 2, "meshactors.dataplane.data-frame-sealing", "must be a single value")]
    [InlineData("meshactors {\n  dataplane.buffer-pool-bytes = 2000000\n}", 2, "meshactors.dataplane.buffer-pool-bytes", "must hold at least 256 buffers of 65106 bytes (tun.mtu 65000 plus headers and tags), so at least 16667136, got 2000000")]
    [InlineData("meshactors {\n  dataplane.buffer-pool-bytes = 4096\n}", 2, "meshactors.dataplane.buffer-pool-bytes", "must be 1048576..1073741824, got 4096")]
    [InlineData("meshactors {\n  dataplane.tun-batch-size = 0\n}", 2, "meshactors.dataplane.tun-batch-size", "must be 1..256, got 0")]
    [InlineData("meshactors {\n  dataplane.tun-write-ring-capacity = 3000\n}", 2, "meshactors.dataplane.tun-write-ring-capacity", "must be a power of two (the ring would round it up to 4096), got 3000")]
    [InlineData("meshactors {\n  routing {\n    update-interval = 500ms\n  }\n}", 3, "meshactors.routing.update-interval", "must be 1s..10m, got 500ms")]
    [InlineData("meshactors {\n  routing.route-expiry = 40s\n}", 2, "meshactors.routing.route-expiry", "must be more than twice routing.update-interval (20s)")]
    [InlineData("meshactors {\n  routing {\n    update-interval = 1m\n  }\n}", 2, "meshactors.routing.route-expiry", "must be more than twice routing.update-interval (1m)")]
    [InlineData("meshactors {\n  routing.source-gc-time = 60s\n}", 2, "meshactors.routing.source-gc-time", "must not be shorter than routing.route-expiry (70s)")]
    [InlineData("meshactors {\n  routing.triggered-update-delay = 2s\n}", 2, "meshactors.routing.triggered-update-delay", "must be 0ms..1s, got 2s")]
    [InlineData("meshactors {\n  routing.seqno-request-retry = 10ms\n}", 2, "meshactors.routing.seqno-request-retry", "must be 100ms..1m, got 10ms")]
    [InlineData("meshactors {\n  routing.seqno-request-retries = 50\n}", 2, "meshactors.routing.seqno-request-retries", "must be 0..20, got 50")]
    [InlineData("meshactors {\n  routing.seqno-request-hold = -1s\n}", 2, "meshactors.routing.seqno-request-hold", "must be a duration like 500ms")]
    [InlineData("meshactors {\n  routing.max-destinations = 8\n}", 2, "meshactors.routing.max-destinations", "must be 16..16777216, got 8")]
    [InlineData("meshactors {\n  routing.update-intervall = 5s\n}", 2, "meshactors.routing.update-intervall", "unknown key (did you mean 'update-interval'?)")]
    [InlineData("meshactors {\n  routing = fast\n}", 2, "meshactors.routing", "must be an object")]
    [InlineData("meshactors {\n  ipv4.network = \"10.250.0.0/31\"\n}", 2, "meshactors.ipv4.network", "must be an IPv4 prefix of length 8..30")]
    [InlineData("meshactors {\n  ipv4.network = \"fd00::/64\"\n}", 2, "meshactors.ipv4.network", "must be an IPv4 prefix of length 8..30")]
    [InlineData("meshactors {\n  ipv4.conflict-check-interval = 10ms\n}", 2, "meshactors.ipv4.conflict-check-interval", "must be 100ms..1m, got 10ms")]
    [InlineData("meshactors {\n  names.record-lifetime = 90s\n}", 2, "meshactors.names.record-lifetime", "must be at least 2 × names.refresh-interval (120s)")]
    [InlineData("meshactors {\n  names.max-records = 1\n}", 2, "meshactors.names.max-records", "must be 16..16777216, got 1")]
    [InlineData("meshactors {\n  dns.address = \"localhost:53\"\n}", 2, "meshactors.dns.address", "must be empty (no DNS server) or HOST:PORT")]
    [InlineData("meshactors {\n  dns.domain = \"my_mesh\"\n}", 2, "meshactors.dns.domain", "must be one or more DNS labels")]
    [InlineData("meshactors {\n  socks.listen = \"0.0.0.0:1080\"\n}", 2, "meshactors.socks.listen", "must be a loopback address (127.0.0.0/8 or [::1])")]
    [InlineData("meshactors {\n  socks.listen = \"192.168.1.2:1080\"\n}", 2, "meshactors.socks.listen", "must be a loopback address")]
    [InlineData("meshactors {\n  socks.listen = \"1080\"\n}", 2, "meshactors.socks.listen", "must be empty (no gateway) or HOST:PORT")]
    [InlineData("meshactors {\n  socks.max-sessions = 0\n}", 2, "meshactors.socks.max-sessions", "must be 1..65536, got 0")]
    [InlineData("meshactors {\n  socks.buffer-size = 100\n}", 2, "meshactors.socks.buffer-size", "must be 1024..1048576, got 100")]
    [InlineData("meshactors {\n  socks.handshake-timeout = 10ms\n}", 2, "meshactors.socks.handshake-timeout", "must be 100ms..10m, got 10ms")]
    [InlineData("meshactors {\n  exit.prefixes = [\"10.1.0.0\"]\n}", 2, "meshactors.exit.prefixes", "is not a prefix in CIDR notation")]
    [InlineData("meshactors {\n  exit.prefixes = [\"fd6d:1::/32\"]\n}", 2, "meshactors.exit.prefixes", "lies inside overlay-prefix fd6d::/16")]
    [InlineData("meshactors {\n  exit.prefixes = [\"::/0\"]\n}", 2, "meshactors.exit.prefixes", "covers overlay-prefix fd6d::/16, which routing refuses")]
    [InlineData("meshactors {\n  exit.masquerade-interface = \"much-too-long-name\"\n}", 2, "meshactors.exit.masquerade-interface", "must be 1..15 characters")]
    public void Bad_value_names_file_line_key_and_problem(string text, int line, string key, string problem)
    {
        var error = SingleError(text);

        Assert.Equal("node.hocon", error.Source);
        Assert.Equal(line, error.Line);
        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Problem);
        Assert.StartsWith($"node.hocon:{line}: {key}: ", error.ToString());
    }

    [Fact]
    public void Exit_prefixes_of_both_families_and_the_masquerade_interface_are_read()
    {
        var settings = Parse("""
            meshactors {
              exit {
                prefixes = ["0.0.0.0/0", "2000::/3", "192.168.5.0/24", "192.168.5.0/24"]
                masquerade-interface = "eth0"
              }
            }
            """);

        Assert.Equal(["0.0.0.0/0", "2000::/3", "192.168.5.0/24"], settings.Exit.Prefixes.Select(prefix => prefix.ToString()));
        Assert.Equal("eth0", settings.Exit.MasqueradeInterface);
        Assert.True(settings.Exit.Enabled);
        Assert.False(Parse("meshactors {}").Exit.Enabled);
        Assert.Contains(
            MeshActors.Protocol.Routing.RoutePrefix.Parse("192.168.5.0/24"),
            MeshActors.Node.Routing.LocalPrefixes.For(settings, NodeIdentity.Generate().Public));
    }

    [Fact]
    public void More_exit_prefixes_than_a_name_record_carries_are_refused()
    {
        var list = string.Join(", ", Enumerable.Range(0, 17).Select(i => $"\"10.{i}.0.0/16\""));

        var error = SingleError($"meshactors {{\n  exit.prefixes = [{list}]\n}}");

        Assert.Equal("meshactors.exit.prefixes", error.Key);
        Assert.Contains("more than 16", error.Problem);
    }

    [Theory]
    [InlineData("meshactors {\n  peers = [\"tcp://a:1\"\n}", 2, "'[' is never closed")]
    [InlineData("meshactors {\n  tun.mtu = 1400\n", 1, "'{' is never closed")]
    [InlineData("meshactors {\n  tun.mtu = 1400\n}\n}", 4, "unexpected '}'")]
    [InlineData("meshactors {\n  node-name = \"abc\n}", 2, "string is never closed")]
    public void Broken_syntax_is_reported_with_its_line_and_never_hangs(string text, int line, string problem)
    {
        var error = SingleError(text);

        Assert.Equal(line, error.Line);
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public void Reference_defaults_are_todays_code_defaults()
    {
        var settings = NodeSettingsReader.Read(HoconSource.Load(null));

        Assert.Equal(new LinkOptions(), settings.LinkOptions);
        Assert.False(settings.LinkOptions.SealWholeDataFrames);
        Assert.Equal(RoutingSettings.Default, settings.Routing);
        Assert.Equal(new DataPlaneSettings(64L << 20, new ForwarderOptions().TunBatchSize, new ForwarderOptions().TunWriteRingCapacity, 8L << 20), settings.DataPlane);

        // 64 MiB of 65,106-byte buffers at the default MTU, 8 MiB of them created at start
        Assert.Equal(1030, settings.DataPlane.PoolBuffers(BufferLayout.BufferSizeFor(settings.Tun.Mtu)));
        Assert.Equal(128, settings.DataPlane.PrewarmBuffers(BufferLayout.BufferSizeFor(settings.Tun.Mtu)));
    }

    [Fact]
    public void Nat_relay_is_on_by_default_and_can_be_turned_off()
    {
        Assert.True(NodeSettingsReader.Read(HoconSource.Load(null)).Nat.Relay);
        Assert.False(Parse("meshactors { nat { relay = off } }").Nat.Relay);
    }

    [Fact]
    public void Link_data_plane_and_routing_keys_are_read_into_typed_settings()
    {
        var settings = Parse("""
            meshactors {
              links {
                handshake-timeout = 2s
                max-pending-handshakes = 32
                max-half-open = 128
                send-ring-capacity = 4096
                udp-max-frame-size = 1452
              }
              dataplane {
                data-frame-sealing = whole
                buffer-pool-bytes = 16777216
                tun-batch-size = 64
                tun-write-ring-capacity = 2048
                buffer-pool-prewarm-bytes = 1073741824
              }
              routing {
                update-interval = 4s
                route-expiry = 14s
                source-gc-time = 1m
                triggered-update-delay = 0ms
                seqno-request-retry = 500ms
                seqno-request-retries = 5
                seqno-request-hold = 1s
                max-destinations = 1000
              }
            }
            """);

        Assert.Equal(new LinkOptions
        {
            HandshakeTimeoutMs = 2000,
            MaxPendingHandshakes = 32,
            MaxHalfOpen = 128,
            SendRingCapacity = 4096,
            UdpMaxFrameSize = 1452,
            SealWholeDataFrames = true,
        }, settings.LinkOptions);
        Assert.Equal(new DataPlaneSettings(16L << 20, 64, 2048, 1L << 30), settings.DataPlane);
        // a prewarm larger than the pool creates the whole pool, no more
        Assert.Equal(settings.DataPlane.PoolBuffers(9119), settings.DataPlane.PrewarmBuffers(9119));
        Assert.Equal(RoutingSettings.Default.Timers with
        {
            UpdateInterval = TimeSpan.FromSeconds(4),
            RouteExpiry = TimeSpan.FromSeconds(14),
            SourceGcTime = TimeSpan.FromMinutes(1),
            TriggeredUpdateDelay = TimeSpan.Zero,
            SeqnoRequestRetry = TimeSpan.FromMilliseconds(500),
            SeqnoRequestRetries = 5,
            SeqnoRequestHold = TimeSpan.FromSeconds(1),
        }, settings.Routing.Timers);
        Assert.Equal(RoutingSettings.Default.Metrics, settings.Routing.Metrics);
        Assert.Equal(1000, settings.Routing.MaxDestinations);
    }

    [Theory]
    [InlineData("header", false)]
    [InlineData("whole", true)]
    [InlineData("WHOLE", true)]
    public void Data_frame_sealing_takes_header_or_whole(string value, bool sealWhole)
    {
        Assert.Equal(sealWhole, Parse($"meshactors.dataplane.data-frame-sealing = {value}").LinkOptions.SealWholeDataFrames);
    }

    [Fact]
    public void The_pool_budget_is_checked_against_the_configured_mtu()
    {
        // 4 MiB buys 256 buffers of a 16,000-byte MTU but not of a 65,000-byte one
        Assert.Equal(260, Parse("meshactors { tun.mtu = 16000, dataplane.buffer-pool-bytes = 4194304 }").DataPlane.PoolBuffers(16119));

        var error = SingleError("meshactors {\n  tun.mtu = 65000\n  dataplane.buffer-pool-bytes = 4194304\n}");
        Assert.Equal("meshactors.dataplane.buffer-pool-bytes", error.Key);
        Assert.Equal(3, error.Line);
        Assert.Contains("at least 256 buffers of 65106 bytes (tun.mtu 65000", error.Problem);
    }

    [Fact]
    public void A_bad_value_is_blamed_once_not_again_by_the_rules_between_keys()
    {
        // update-interval and tun.mtu are unreadable: route-expiry and the pool budget cannot be judged against them
        var error = Assert.Throws<ConfigException>(() => Parse(
            "meshactors {\n  routing {\n    update-interval = soon\n    route-expiry = 3s\n  }\n  tun.mtu = big\n  dataplane.buffer-pool-bytes = 1048576\n}"));

        Assert.Equal(["meshactors.tun.mtu", "meshactors.routing.update-interval"], error.Errors.Select(e => e.Key));
    }

    [Fact]
    public void Several_problems_are_all_reported()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("meshactors {\n  tun.mtu = 1\n  log-level = loud\n}"));

        Assert.Equal(["meshactors.tun.mtu", "meshactors.log-level"], error.Errors.Select(e => e.Key));
    }

    [Fact]
    public void Unreadable_file_is_a_config_error_naming_the_path()
    {
        var error = Assert.Throws<ConfigException>(() => HoconSource.Load("/nonexistent/node.hocon"));

        Assert.Contains("/nonexistent/node.hocon", error.Message);
        Assert.Contains("cannot read the file", error.Message);
    }

    [Fact]
    public void Flags_override_the_file_and_are_validated_like_keys()
    {
        var fromFile = Parse("meshactors { peers = [\"tcp://a:1\"] }");

        var overridden = new SettingsOverrides
        {
            Peers = ["udp://b:2"],
            Port = 7777,
            NoTun = true,
            TunName = "mx0",
            KeyFile = "other.bin",
            ApiAddress = "127.0.0.1:0",
            AuditEncryption = true,
        }.ApplyTo(fromFile);

        Assert.Equal("udp://b:2", Assert.Single(overridden.Peers).ToString());
        Assert.All(overridden.Listen, uri => Assert.Equal(7777, uri.Port));
        Assert.False(overridden.Tun.Enabled);
        Assert.Equal("mx0", overridden.Tun.Name);
        Assert.Equal("other.bin", overridden.KeyFile);
        Assert.Equal(0, overridden.ApiAddress.Port);
        Assert.True(overridden.LinkOptions.AuditEncryption);
        Assert.False(fromFile.LinkOptions.AuditEncryption);

        var error = Assert.Throws<ConfigException>(() => new SettingsOverrides { Port = 0, ApiAddress = "nowhere" }.ApplyTo(fromFile));
        Assert.Equal(["--port", "--api-addr"], error.Errors.Select(e => e.Key));
        Assert.All(error.Errors, e => Assert.Equal(SettingsOverrides.Source, e.Source));
    }

    [Fact]
    public void Data_folder_and_write_interval_are_read_overridden_and_checked()
    {
        var defaults = NodeSettingsReader.Read(HoconSource.Load(null));
        Assert.Equal(new StateSettings("meshactors-data", TimeSpan.FromMilliseconds(100)), defaults.State);

        var configured = Parse("meshactors { data-dir = \"/var/lib/meshactors\", state.write-interval = 2s }");
        Assert.Equal(new StateSettings("/var/lib/meshactors", TimeSpan.FromSeconds(2)), configured.State);
        Assert.Equal("/tmp/state", new SettingsOverrides { DataDir = "/tmp/state" }.ApplyTo(configured).State.DataDir);

        Assert.Equal("meshactors.state.write-interval", SingleError("meshactors { state.write-interval = 2m }").Key);
        Assert.Equal("meshactors.data-dir", SingleError("meshactors { data-dir = \"\" }").Key);
        var flag = Assert.Throws<ConfigException>(() => new SettingsOverrides { DataDir = " " }.ApplyTo(configured));
        Assert.Equal("--data-dir", Assert.Single(flag.Errors).Key);
    }

    [Fact]
    public void Network_key_never_appears_in_printed_settings()
    {
        var settings = Parse("meshactors.admission { mode = network-key, network-key = \"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\" }");

        Assert.DoesNotContain("0001020304", settings.ToString());
        Assert.Contains("redacted", settings.Admission.ToString());
    }

    internal static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MeshActors.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("MeshActors.sln not found above the test binaries");
    }
}
