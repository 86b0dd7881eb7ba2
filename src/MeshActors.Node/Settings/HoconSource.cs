using System.Reflection;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace MeshActors.Node.Settings;

/// <summary>
/// Loads configuration text (a user file, or nothing) on top of the embedded reference.conf and checks its shape:
/// balanced brackets, parseable HOCON, no key that reference.conf does not define, objects where objects belong.
/// </summary>
public sealed class HoconSource
{
    public const string Section = "meshactors";

    private const string ReferenceResource = "MeshActors.reference.conf";

    private HoconSource(Config merged, string source, IReadOnlyDictionary<string, int> keyLines)
    {
        Merged = merged;
        Source = source;
        KeyLines = keyLines;
    }

    /// <summary>User config with reference.conf as fallback.</summary>
    public Config Merged { get; }

    /// <summary>File name (or "defaults", "text") for error messages.</summary>
    public string Source { get; }

    internal IReadOnlyDictionary<string, int> KeyLines { get; }

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

        return new HoconSource(user.WithFallback(reference), source, keyLines);
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
