namespace MeshActors.Testing.Doubles;

/// <summary>A fresh folder under the system temp folder (not created until something writes there), deleted with
/// everything in it on dispose; a node's data-dir in tests, so no test sees another's state.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"meshactors-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
