using MeshActors.Crypto;
using MeshActors.Node.Settings;
using MeshActors.Protocol.Addressing;
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
        Assert.Equal(new TunSettings(true, "mesh0", 9000), settings.Tun);
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
              tun { enabled = off, name = "ma0", mtu = 1400 }
              ipv4 { addresses = ["10.220.0.1/24"], prefixes = ["192.168.5.0/24"] }
              api.address = "[::1]:9000"
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
        Assert.Equal(new TunSettings(false, "ma0", 1400), settings.Tun);
        Assert.Equal("10.220.0.1/24", Assert.Single(settings.Ipv4.Addresses).ToString());
        Assert.Equal("192.168.5.0/24", Assert.Single(settings.Ipv4.Prefixes).ToString());
        Assert.Equal("[::1]:9000", settings.ApiAddress.ToString());
        Assert.Equal(LogEventLevel.Debug, settings.LogLevel);
        Assert.True(settings.AuditEncryption);
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
    public void Bad_value_names_file_line_key_and_problem(string text, int line, string key, string problem)
    {
        var error = SingleError(text);

        Assert.Equal("node.hocon", error.Source);
        Assert.Equal(line, error.Line);
        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Problem);
        Assert.StartsWith($"node.hocon:{line}: {key}: ", error.ToString());
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
        Assert.True(overridden.AuditEncryption);
        Assert.False(fromFile.AuditEncryption);

        var error = Assert.Throws<ConfigException>(() => new SettingsOverrides { Port = 0, ApiAddress = "nowhere" }.ApplyTo(fromFile));
        Assert.Equal(["--port", "--api-addr"], error.Errors.Select(e => e.Key));
        Assert.All(error.Errors, e => Assert.Equal(SettingsOverrides.Source, e.Source));
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
