using BenchmarkDotNet.Running;

// Micro benchmarks (BenchmarkDotNet): dotnet run -c Release --project tests/MeshActors.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
