namespace MeshActors.Node.Settings;

/// <summary>Config file (or embedded defaults) → validated settings → command-line overrides.</summary>
public static class SettingsLoader
{
    public static NodeSettings Load(string? configPath, SettingsOverrides overrides) =>
        overrides.ApplyTo(NodeSettingsReader.Read(HoconSource.Load(configPath)));
}
