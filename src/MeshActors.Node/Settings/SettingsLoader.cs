namespace MeshActors.Node.Settings;

/// <summary>Config file (or embedded defaults) → validated settings → command-line overrides; for a config with
/// <c>meshes</c>, every mesh's settings (with its bridges), checked against each other.</summary>
public static class SettingsLoader
{
    /// <param name="mesh">The mesh to run, for a config that defines <c>meshes</c>; null for one that does not.</param>
    public static NodeSettings Load(string? configPath, SettingsOverrides overrides, string? mesh = null)
    {
        var source = HoconSource.Load(configPath);
        if (source.MeshNames.Count == 0 && mesh is null)
        {
            return overrides.ApplyTo(NodeSettingsReader.Read(source));
        }

        if (mesh is null)
        {
            throw new ConfigException(new ConfigError(source.Source, source.LineOf($"{HoconSource.Section}.{HoconSource.MeshesKey}"), "--mesh",
                $"this config defines meshes ({string.Join(", ", source.MeshNames)}): run them all with `meshactors CONFIG`, or one with --mesh NAME"));
        }

        source.ForMesh(mesh);
        return LoadMeshes(source, overrides)[mesh];
    }

    /// <summary>Every mesh's settings by name, bridges applied; all problems at once: each mesh's, the bridges', and
    /// what two meshes may not share (key file, data folder, overlay prefix, API address, TUN name, listen endpoint).</summary>
    public static IReadOnlyDictionary<string, NodeSettings> LoadMeshes(HoconSource source, SettingsOverrides overrides)
    {
        var errors = new List<ConfigError>();
        var bridges = MeshBridges.Read(source, errors);
        var meshes = new Dictionary<string, NodeSettings>();
        foreach (var name in source.MeshNames)
        {
            try
            {
                meshes[name] = overrides.ApplyTo(MeshBridges.ApplyTo(NodeSettingsReader.Read(source.ForMesh(name)), name, bridges));
            }
            catch (ConfigException e)
            {
                errors.AddRange(e.Errors);
            }
        }

        if (errors.Count == 0)
        {
            CheckApart(source, meshes, errors);
            CheckBridgeTuns(source, meshes, bridges, errors);
        }

        return errors.Count > 0 ? throw new ConfigException(errors) : meshes;
    }

    /// <summary>The kernel carries bridged packets from one mesh's TUN device to the other's: both need one.</summary>
    private static void CheckBridgeTuns(HoconSource source, Dictionary<string, NodeSettings> meshes, IReadOnlyList<MeshBridge> bridges, List<ConfigError> errors)
    {
        foreach (var (bridge, index) in bridges.Select((bridge, index) => (bridge, index)))
        {
            foreach (var mesh in new[] { bridge.From, bridge.To }.Where(mesh => !meshes[mesh].Tun.Enabled))
            {
                var key = $"{HoconSource.Section}.{HoconSource.BridgesKey}[{index}]";
                errors.Add(new ConfigError(source.Source, source.LineOf($"{HoconSource.Section}.{HoconSource.BridgesKey}"), key,
                    $"mesh {mesh} needs its TUN device (tun.enabled = on): bridged packets pass between the meshes' TUN devices"));
            }
        }
    }

    private static void CheckApart(HoconSource source, Dictionary<string, NodeSettings> meshes, List<ConfigError> errors)
    {
        var names = meshes.Keys.ToList();
        for (var j = 1; j < names.Count; j++)
        {
            var (name, mesh) = (names[j], meshes[names[j]]);
            for (var i = 0; i < j; i++)
            {
                var (earlier, other) = (names[i], meshes[names[i]]);
                var shared = new List<(string Key, bool Same)>
                {
                    ("key-file", Path.GetFullPath(mesh.KeyFile) == Path.GetFullPath(other.KeyFile)),
                    ("data-dir", Path.GetFullPath(mesh.State.DataDir) == Path.GetFullPath(other.State.DataDir)),
                    ("overlay-prefix", mesh.OverlayPrefix.Covers(other.OverlayPrefix) || other.OverlayPrefix.Covers(mesh.OverlayPrefix)),
                    ("api.address", mesh.ApiAddress.Equals(other.ApiAddress)),
                    ("tun.name", mesh.Tun.Enabled && other.Tun.Enabled && mesh.Tun.Name == other.Tun.Name),
                    ("listen", mesh.Listen.Any(uri => other.Listen.Any(o => o.ToString() == uri.ToString()))),
                };
                foreach (var (key, _) in shared.Where(pair => pair.Same))
                {
                    var full = $"{HoconSource.Section}.{HoconSource.MeshesKey}.{name}.{key}";
                    errors.Add(new ConfigError(source.Source, source.LineOf(full), full, $"the same as mesh {earlier}'s: two meshes cannot share it"));
                }
            }
        }

        foreach (var (name, mesh) in meshes)
        {
            foreach (var prefix in mesh.Exit.Prefixes.Where(prefix => mesh.OverlayPrefix.Covers(prefix) || prefix.Covers(mesh.OverlayPrefix)))
            {
                var full = $"{HoconSource.Section}.{HoconSource.BridgesKey}";
                errors.Add(new ConfigError(source.Source, source.LineOf(full), full, $"{prefix} overlaps mesh {name}'s overlay-prefix {mesh.OverlayPrefix}"));
            }
        }
    }
}
