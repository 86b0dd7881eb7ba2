using Akka.Configuration.Hocon;
using MeshActors.Protocol;

namespace MeshActors.Node.Settings;

/// <summary>One bridge: in mesh <paramref name="To"/> this node is an exit for <paramref name="Prefixes"/>, which the
/// kernel then routes into mesh <paramref name="From"/>'s TUN device.</summary>
public sealed record MeshBridge(string From, string To, IReadOnlyList<IpPrefix> Prefixes);

/// <summary>Reads and checks <c>meshactors.bridges</c> against the config's meshes (every problem, with file, line
/// and key), and applies them to one mesh's settings.</summary>
public static class MeshBridges
{
    private const string Key = $"{HoconSource.Section}.{HoconSource.BridgesKey}";

    public static IReadOnlyList<MeshBridge> Read(HoconSource source, List<ConfigError> errors)
    {
        var bridges = new List<MeshBridge>();
        var value = source.Merged.GetValue(Key);
        if (value is null || !value.IsArray())
        {
            if (value is not null && !value.IsEmpty && !IsEmptyList(value))
            {
                errors.Add(Error(source, Key, "must be a list [ { from = MESH, to = MESH, prefixes = [CIDR …] } … ]"));
            }

            return bridges;
        }

        foreach (var (item, index) in value.GetArray().Select((item, index) => (item, index)))
        {
            var key = $"{Key}[{index}]";
            if (!item.IsObject())
            {
                errors.Add(Error(source, key, "must be an object { from = MESH, to = MESH, prefixes = [CIDR …] }"));
                continue;
            }

            var fields = item.GetObject().Items;
            var from = Text(fields, "from");
            var to = Text(fields, "to");
            if (fields.Keys.FirstOrDefault(field => field is not ("from" or "to" or "prefixes")) is { } unknown)
            {
                errors.Add(Error(source, key, $"unknown key '{unknown}' (a bridge has from, to and prefixes)"));
            }

            foreach (var (field, mesh) in new[] { ("from", from), ("to", to) })
            {
                if (mesh is null || !source.MeshNames.Contains(mesh))
                {
                    errors.Add(Error(source, key, $"{field} must name one of the meshes ({string.Join(", ", source.MeshNames)}), got '{mesh}'"));
                }
            }

            if (from is not null && from == to)
            {
                errors.Add(Error(source, key, $"from and to are both '{from}'"));
            }

            var prefixes = new List<IpPrefix>();
            var list = fields.GetValueOrDefault("prefixes");
            foreach (var text in list is not null && list.IsArray() ? list.GetArray().Select(p => p.IsString() ? p.GetString() : "") : [])
            {
                if (IpPrefix.TryParse(text, out var prefix))
                {
                    prefixes.Add(prefix);
                }
                else
                {
                    errors.Add(Error(source, key, $"prefixes: '{text}' is not a prefix in CIDR notation"));
                }
            }

            if (prefixes.Count == 0)
            {
                errors.Add(Error(source, key, "prefixes must list at least one prefix"));
            }

            bridges.Add(new MeshBridge(from ?? "", to ?? "", prefixes));
        }

        return bridges;
    }

    /// <summary>Mesh <paramref name="mesh"/>'s settings with the prefixes bridged into it served as an exit (no NAT:
    /// the other mesh routes the answers back through this node's bridge the other way).</summary>
    public static NodeSettings ApplyTo(NodeSettings settings, string mesh, IReadOnlyList<MeshBridge> bridges)
    {
        var into = bridges.Where(bridge => bridge.To == mesh).SelectMany(bridge => bridge.Prefixes).ToList();
        return into.Count == 0
            ? settings
            : settings with { Exit = settings.Exit with { Prefixes = [.. settings.Exit.Prefixes.Concat(into).Distinct()] } };
    }

    private static bool IsEmptyList(HoconValue value) => value.ToString().Trim() is "[]" or "";

    private static string? Text(IDictionary<string, HoconValue> fields, string name) =>
        fields.TryGetValue(name, out var value) && value.IsString() ? value.GetString() : null;

    private static ConfigError Error(HoconSource source, string key, string problem) =>
        new(source.Source, source.LineOf(key.Split('[')[0]), key, problem);
}
