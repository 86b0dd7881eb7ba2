using BenchmarkDotNet.Running;
using MeshActors.Benchmarks.Messaging;
using MeshActors.Benchmarks.Routing;

// Routing scale run (console, simulated mesh): dotnet run -c Release --project tests/MeshActors.Benchmarks -- scale 1000 3000 10000
// Message bus end to end (console, two in-process nodes): dotnet run -c Release --project tests/MeshActors.Benchmarks -- bus [SECONDS]
// Micro benchmarks (BenchmarkDotNet): dotnet run -c Release --project tests/MeshActors.Benchmarks -- --filter '*'
if (args.Length > 0 && args[0] == "scale")
{
    ScaleRunner.Run(args[1..]);
}
else if (args.Length > 0 && args[0] == "bus")
{
    await BusThroughputRunner.RunAsync(args[1..]);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
