using System.Reflection;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace MeshActors.Node.Settings;

/// <summary>
/// Loads configuration text (a user file, or nothing) on top of the embedded reference.conf and checks its shape:
/// balanced brackets, parseable HOCON, no key that reference.conf does not define, objects where objects belong.
/// </summary>
public sealed partial class HoconSource
{
    public const string Section = "meshactors";

    private const string ReferenceResource = "MeshActors.reference.conf";

    /// <summary>The key under <see cref="Section"/> whose objects are separate meshes this node is in.</summary>
    public const string MeshesKey = "meshes";

    /// <summary>The key under <see cref="Section"/> that lists which prefixes pass from one mesh into another.</summary>
    public const string BridgesKey = "bridges";

    private HoconSource(Config merged, string source, IReadOnlyDictionary<string, int> keyLines, string lookupRoot, string errorRoot, IReadOnlyList<string> meshNames)
    {
        Merged = merged;
        Source = source;
        KeyLines = keyLines;
        LookupRoot = lookupRoot;
        ErrorRoot = errorRoot;
        MeshNames = meshNames;
    }

    /// <summary>User config with reference.conf as fallback.</summary>
    public Config Merged { get; }

    /// <summary>File name (or "defaults", "text") for error messages.</summary>
    public string Source { get; }

    internal IReadOnlyDictionary<string, int> KeyLines { get; }

    /// <summary>Where a node's keys are looked up in <see cref="Merged"/>: <see cref="Section"/>, or nothing for a
    /// mesh's source (its object, falling back to the shared keys).</summary>
    internal string LookupRoot { get; }

    /// <summary>How errors name a node's keys: <c>meshactors.KEY</c>, or <c>meshactors.meshes.NAME.KEY</c>.</summary>
    internal string ErrorRoot { get; }

    /// <summary>The meshes the config defines under <c>meshactors.meshes</c> (empty: one node, the usual case).</summary>
    public IReadOnlyList<string> MeshNames { get; }

    /// <summary>One mesh's settings: its object under <c>meshactors.meshes</c>, falling back to the keys outside
    /// <c>meshes</c> (shared by every mesh), then to the defaults.</summary>
    public HoconSource ForMesh(string name)
    {
        if (!MeshNames.Contains(name))
        {
            throw new ConfigException(new ConfigError(Source, null, "--mesh", MeshNames.Count == 0
                ? $"'{name}': this config defines no meshes"
                : $"'{name}' is not one of this config's meshes ({string.Join(", ", MeshNames)})"));
        }

        var path = $"{Section}.{MeshesKey}.{name}";
        return new HoconSource(Merged.GetConfig(path).WithFallback(Merged.GetConfig(Section)), Source, KeyLines, "", path, []);
    }

    internal string LookupPath(string key) => LookupRoot.Length == 0 ? key : $"{LookupRoot}.{key}";

    internal string ErrorPath(string key) => $"{ErrorRoot}.{key}";

    public static string ReferenceText
    {
        get
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ReferenceResource)
                ?? throw new InvalidOperationException($"embedded resource {ReferenceResource} is missing from the build");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Reads <paramref name="path"/>; null means the embedded defaults alone.</summary>
    public static HoconSource Load(string? path)
    {
        if (path is null)
        {
            return FromText("", "defaults");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigException(new ConfigError(path, null, "--config", $"cannot read the file ({e.Message})"));
        }

        return FromText(text, path);
    }

    public static HoconSource FromText(string text, string source)
    {
        if (HoconText.FindUnbalancedBracket(source, text) is { } syntax)
        {
            throw new ConfigException(syntax);
        }

        Config user;
        try
        {
            user = text.Trim().Length == 0 ? Config.Empty : ConfigurationFactory.ParseString(text);
        }
        catch (Exception e)
        {
            var firstLine = e.Message.Split('\n')[0].Trim();
            throw new ConfigException(new ConfigError(source, null, "(syntax)", $"not valid HOCON: {firstLine}"));
        }

        var keyLines = HoconText.MapKeyLines(text);
        var reference = ConfigurationFactory.ParseString(ReferenceText);
        var errors = new List<ConfigError>();
        if (!user.IsEmpty)
        {
            foreach (var (key, value) in user.Root.GetObject().Items)
            {
                if (key != Section)
                {
                    errors.Add(new ConfigError(source, Line(keyLines, key), key, $"unknown top-level key; settings live under '{Section} {{ … }}'"));
                    continue;
                }

                CheckShape(value, reference.Root.GetObject().Items[Section], Section, source, keyLines, errors);
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }

        var meshes = user.IsEmpty || user.GetValue($"{Section}.{MeshesKey}") is not { } declared || !declared.IsObject()
            ? []
            : declared.GetObject().Items.Keys.ToList();
        return new HoconSource(user.WithFallback(reference), source, keyLines, Section, Section, meshes);
    }

    internal int? LineOf(string key) => Line(KeyLines, key);

    private static void CheckShape(
        HoconValue user, HoconValue reference, string path, string source, IReadOnlyDictionary<string, int> lines, List<ConfigError> errors)
    {
        if (!reference.IsObject())
        {
            return; // leaf types are checked by NodeSettingsReader, which knows each key's type
        }

        if (!user.IsObject())
        {
            errors.Add(new ConfigError(source, Line(lines, path), path, "must be an object { … }"));
            return;
        }

        var known = reference.GetObject().Items;
        foreach (var (key, value) in user.GetObject().Items)
        {
            var child = $"{path}.{key}";
            if (path == Section && key == MeshesKey)
            {
                CheckMeshes(value, reference, child, source, lines, errors);
                continue;
            }

            if (!known.TryGetValue(key, out var referenceValue))
            {
                var suggestion = known.Keys.MinBy(k => EditDistance(k, key));
                var hint = suggestion is not null && EditDistance(suggestion, key) <= 3 ? $" (did you mean '{suggestion}'?)" : "";
                errors.Add(new ConfigError(source, Line(lines, child), child, $"unknown key{hint}"));
                continue;
            }

            CheckShape(value, referenceValue, child, source, lines, errors);
        }
    }

    /// <summary>Each mesh is an object shaped like <c>meshactors</c> itself (any key but <c>meshes</c> and
    /// <c>bridges</c>), named by a lower-case word.</summary>
    private static void CheckMeshes(
        HoconValue meshes, HoconValue section, string path, string source, IReadOnlyDictionary<string, int> lines, List<ConfigError> errors)
    {
        if (!meshes.IsObject())
        {
            errors.Add(new ConfigError(source, Line(lines, path), path, "must be an object { NAME { … } … }"));
            return;
        }

        foreach (var (name, mesh) in meshes.GetObject().Items)
        {
            var child = $"{path}.{name}";
            if (!MeshName().IsMatch(name))
            {
                errors.Add(new ConfigError(source, Line(lines, child), child, "a mesh's name is a lower-case letter, then letters, digits or '-' (at most 16)"));
            }
            else if (mesh.IsObject() && mesh.GetObject().Items.Keys.FirstOrDefault(key => key is MeshesKey or BridgesKey) is { } nested)
            {
                errors.Add(new ConfigError(source, Line(lines, $"{child}.{nested}"), $"{child}.{nested}", "belongs at the top level, not inside one mesh"));
            }
            else
            {
                CheckShape(mesh, section, child, source, lines, errors);
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z][a-z0-9-]{0,15}$")]
    private static partial System.Text.RegularExpressions.Regex MeshName();

    /// <summary>The line of the key, else of its nearest enclosing object that is written in the file.</summary>
    private static int? Line(IReadOnlyDictionary<string, int> lines, string key)
    {
        for (var path = key; path.Length > 0; path = path.Contains('.') ? path[..path.LastIndexOf('.')] : "")
        {
            if (lines.TryGetValue(path, out var line))
            {
                return line;
            }
        }

        return null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
