namespace MeshActors.Node.Settings;

/// <summary>One problem with one setting: where it came from (file and line, or a flag), which key, what is wrong.</summary>
public sealed record ConfigError(string Source, int? Line, string Key, string Problem)
{
    public override string ToString() =>
        Line is { } line ? $"{Source}:{line}: {Key}: {Problem}" : $"{Source}: {Key}: {Problem}";
}

/// <summary>The configuration cannot be used; <see cref="Exception.Message"/> lists every problem, one per line.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;

    public ConfigException(ConfigError error)
        : this([error])
    {
    }
}
