using BenchmarkDotNet.Running;
using MeshActors.Benchmarks.Routing;

// Routing scale run (console, simulated mesh): dotnet run -c Release --project tests/MeshActors.Benchmarks -- scale 1000 3000 10000
// Micro benchmarks (BenchmarkDotNet): dotnet run -c Release --project tests/MeshActors.Benchmarks -- --filter '*'
if (args.Length > 0 && args[0] == "scale")
{
    ScaleRunner.Run(args[1..]);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
