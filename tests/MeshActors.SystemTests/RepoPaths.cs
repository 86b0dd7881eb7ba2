namespace MeshActors.SystemTests;

/// <summary>Where the lab script and the node binary are, found from the test assembly's location.</summary>
internal static class RepoPaths
{
    public static readonly string Root = FindRoot();

    public static string LabScript => Path.Combine(Root, "deploy", "lab", "lab.sh");

    public static string NatLabScript => Path.Combine(Root, "deploy", "lab", "nat-lab.sh");

    public static string ComposeLabScript => Path.Combine(Root, "deploy", "lab", "compose-lab.sh");

    /// <summary>The Release build of src/MeshActors, which compose-lab.sh publishes into the node image.</summary>
    public static string ReleaseDll => Path.Combine(Root, "src", "MeshActors", "bin", "Release", "net10.0", "MeshActors.dll");

    /// <summary>MESHACTORS_DLL if set, else the Release build of src/MeshActors, else the Debug build; null if none exists.</summary>
    public static string? NodeDll()
    {
        var candidates = new[]
        {
            Environment.GetEnvironmentVariable("MESHACTORS_DLL"),
            Path.Combine(Root, "src", "MeshActors", "bin", "Release", "net10.0", "MeshActors.dll"),
            Path.Combine(Root, "src", "MeshActors", "bin", "Debug", "net10.0", "MeshActors.dll"),
        };
        return candidates.FirstOrDefault(path => !string.IsNullOrEmpty(path) && File.Exists(path));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "deploy", "lab", "lab.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no deploy/lab/lab.sh above {AppContext.BaseDirectory}");
    }
}
