using System.Globalization;

/// <summary>
/// Startup hook (DOTNET_STARTUP_HOOKS=…/GcProbe.dll) that lets a benchmark count garbage collections in a node
/// without any code in the node: with GC_PROBE_FILE set, a background thread rewrites that file every 200 ms with
/// "gen0 gen1 gen2 allocated-bytes pause-ms" of the process so far. The file is replaced by rename, so a reader never
/// sees half a line. The runtime requires exactly this type name, in the global namespace.
/// </summary>
internal static class StartupHook
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(200);

    public static void Initialize()
    {
        var path = Environment.GetEnvironmentVariable("GC_PROBE_FILE");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        new Thread(() => Run(path)) { IsBackground = true, Name = "gc-probe" }.Start();
    }

    private static void Run(string path)
    {
        var temporary = path + ".tmp";
        while (true)
        {
            File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture,
                $"{GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {GC.GetTotalAllocatedBytes()} {GC.GetTotalPauseDuration().TotalMilliseconds:0}\n"));
            File.Move(temporary, path, overwrite: true);
            Thread.Sleep(Period);
        }
    }
}
