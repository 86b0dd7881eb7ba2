using MeshActors.Node.Settings;
using MeshActors.Protocol;

namespace MeshActors.Node.Tests.Settings;

public sealed class MeshSettingsTests
{
    private const string TwoMeshes = """
        meshactors {
          tun.enabled = on
          log-level = warning
          meshes {
            home {
              key-file = "home.key", data-dir = "home-data", api.address = "127.0.0.1:8989", listen = ["tcp://0.0.0.0:9651"], tun.name = "mesh0"
            }
            work {
              key-file = "work.key", data-dir = "work-data", overlay-prefix = "fd77::/16", api.address = "127.0.0.1:8990"
              listen = ["tcp://0.0.0.0:9652"], tun.name = "mesh1"
            }
          }
          bridges = [{ from = "home", to = "work", prefixes = ["10.220.0.1/32"] }]
        }
        """;

    [Fact]
    public void Each_mesh_has_its_own_keys_and_takes_the_shared_ones_and_the_bridges_into_it()
    {
        var source = HoconSource.FromText(TwoMeshes, "multi.hocon");
        var meshes = SettingsLoader.LoadMeshes(source, new SettingsOverrides());

        Assert.Equal(["home", "work"], source.MeshNames);
        var (home, work) = (meshes["home"], meshes["work"]);
        Assert.Equal(("home.key", "fd6d::/16", "mesh0"), (home.KeyFile, home.OverlayPrefix.ToString(), home.Tun.Name));
        Assert.Equal(("work.key", "fd77::/16", "mesh1"), (work.KeyFile, work.OverlayPrefix.ToString(), work.Tun.Name));
        Assert.Equal(Serilog.Events.LogEventLevel.Warning, work.LogLevel);
        Assert.Empty(home.Exit.Prefixes);
        Assert.Equal([IpPrefix.Parse("10.220.0.1/32")], work.Exit.Prefixes);
        Assert.Equal("", work.Exit.MasqueradeInterface);
    }

    [Fact]
    public void A_config_without_meshes_is_one_node_and_mesh_selection_names_the_meshes()
    {
        Assert.Empty(HoconSource.FromText("meshactors { }", "one.hocon").MeshNames);
        var source = HoconSource.FromText(TwoMeshes, "multi.hocon");

        var unknown = Assert.Single(Assert.Throws<ConfigException>(() => source.ForMesh("play")).Errors);
        Assert.Equal("--mesh", unknown.Key);
        Assert.Contains("home, work", unknown.Problem);
    }

    [Fact]
    public void A_bad_key_inside_a_mesh_is_named_with_its_mesh_and_line()
    {
        var text = TwoMeshes.Replace("tun.name = \"mesh1\"", "tun.name = \"mesh1\", tun.mtu = 10");
        var error = Assert.Single(Errors(text));
        Assert.Equal("meshactors.meshes.work.tun.mtu", error.Key);
        Assert.Equal(8, error.Line); // "work {": a dotted key after another on its line maps to its enclosing object

        var unknown = Assert.Single(Assert.Throws<ConfigException>(() => HoconSource.FromText(TwoMeshes.Replace("data-dir = \"home-data\"", "data-dri = \"x\""), "multi.hocon")).Errors);
        Assert.Equal("meshactors.meshes.home.data-dri", unknown.Key);
        Assert.Contains("did you mean 'data-dir'", unknown.Problem);
    }

    [Theory]
    [InlineData("meshes { Home { } }", "meshactors.meshes.Home", "lower-case")]
    [InlineData("meshes { home { meshes { } } }", "meshactors.meshes.home.meshes", "top level")]
    [InlineData("meshes = 3", "meshactors.meshes", "must be an object")]
    public void Malformed_meshes_are_refused(string body, string key, string problem)
    {
        var error = Assert.Single(Assert.Throws<ConfigException>(() => HoconSource.FromText($"meshactors {{ {body} }}", "multi.hocon")).Errors);
        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public void Bad_bridges_are_all_reported_with_their_index()
    {
        var text = TwoMeshes.Replace(
            """[{ from = "home", to = "work", prefixes = ["10.220.0.1/32"] }]""",
            """[{ from = "home", to = "play", prefixes = ["nowhere"] }, { from = "home", to = "home", prefixes = ["10.0.0.0/8"] }]""");
        var errors = Errors(text);

        Assert.Contains(errors, e => e.Key == "meshactors.bridges[0]" && e.Problem.Contains("to must name one of the meshes (home, work), got 'play'"));
        Assert.Contains(errors, e => e.Key == "meshactors.bridges[0]" && e.Problem.Contains("'nowhere' is not a prefix"));
        Assert.Contains(errors, e => e.Key == "meshactors.bridges[1]" && e.Problem.Contains("from and to are both 'home'"));
    }

    [Fact]
    public void Two_meshes_may_not_share_an_api_address_an_overlay_prefix_or_a_listen_endpoint()
    {
        var text = TwoMeshes
            .Replace("\"127.0.0.1:8990\"", "\"127.0.0.1:8989\"")
            .Replace("overlay-prefix = \"fd77::/16\"", "overlay-prefix = \"fd6d:1::/32\"")
            .Replace("tcp://0.0.0.0:9652", "tcp://0.0.0.0:9651");
        var errors = Errors(text);

        Assert.Equal(
            ["meshactors.meshes.work.api.address", "meshactors.meshes.work.listen", "meshactors.meshes.work.overlay-prefix"],
            errors.Select(e => e.Key).Order());
        Assert.All(errors, e => Assert.Equal("the same as mesh home's: two meshes cannot share it", e.Problem));
    }

    [Fact]
    public void Both_meshes_of_a_bridge_need_their_tun_device()
    {
        var text = TwoMeshes.Replace("tun.name = \"mesh0\"", "tun.enabled = off");
        var error = Assert.Single(Errors(text));
        Assert.Equal("meshactors.bridges[0]", error.Key);
        Assert.Contains("mesh home needs its TUN device", error.Problem);
    }

    [Fact]
    public void A_bridged_prefix_inside_the_target_meshs_overlay_is_refused()
    {
        var text = TwoMeshes.Replace("10.220.0.1/32", "fd77:1::/64");
        var error = Assert.Single(Errors(text));
        Assert.Equal("meshactors.bridges", error.Key);
        Assert.Contains("overlaps mesh work's overlay-prefix", error.Problem);
    }

    [Fact]
    public void Running_a_config_with_meshes_as_one_node_asks_for_a_mesh()
    {
        var path = Path.Combine(Path.GetTempPath(), $"multi-{Guid.NewGuid():N}.hocon");
        File.WriteAllText(path, TwoMeshes);
        try
        {
            var error = Assert.Single(Assert.Throws<ConfigException>(() => SettingsLoader.Load(path, new SettingsOverrides())).Errors);
            Assert.Equal("--mesh", error.Key);
            Assert.Contains("home, work", error.Problem);
            Assert.Equal("work.key", SettingsLoader.Load(path, new SettingsOverrides(), "work").KeyFile);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static IReadOnlyList<ConfigError> Errors(string text) =>
        Assert.Throws<ConfigException>(() => SettingsLoader.LoadMeshes(HoconSource.FromText(text, "multi.hocon"), new SettingsOverrides())).Errors;
}
