// MeshActors build script (Cake). Fresh machine: dotnet tool restore && dotnet cake --target=Test
//   Build    compile the solution (Release)
//   Test     run every test project; the output ends with one line "N passed, N failed, N skipped"
//   Publish  framework-dependent ReadyToRun publish of the executable to artifacts/publish (dotnet MeshActors.dll)
//   Pack     the `meshactors` .NET tool package in artifacts/packages (README: "The meshactors command")
//   Bench    BenchmarkDotNet micro benchmarks (pass --filter=PATTERN, default '*')
//   Lab      build, then bring up the network-namespace lab (--topology=pair|line|ring4), root only
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var solution = "./MeshActors.sln";
var artifacts = Directory("./artifacts");
string totals = null;      // set by Test: "N passed, N failed, N skipped"
var testsFailed = false;

Task("Clean").Does(() =>
{
    CleanDirectory(artifacts);
});

Task("Build").Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("Test").IsDependentOn("Build").Does(() =>
{
    var results = artifacts + Directory("test-results");
    CleanDirectory(results);
    var failedProjects = new List<string>();
    foreach (var project in GetFiles("./tests/**/*.Tests.csproj").Concat(GetFiles("./tests/**/*.SystemTests.csproj")))
    {
        var name = project.GetFilenameWithoutExtension().ToString();
        try
        {
            DotNetTest(project.FullPath, new DotNetTestSettings
            {
                Configuration = configuration,
                NoBuild = true,
                Loggers = new[] { $"trx;LogFileName={name}.trx" },
                ResultsDirectory = results,
            });
        }
        catch (Exception)
        {
            failedProjects.Add(name);
        }
    }

    int passed = 0, failed = 0, skipped = 0;
    foreach (var trx in GetFiles($"{results}/*.trx"))
    {
        var counters = XDocument.Load(trx.FullPath).Descendants().First(e => e.Name.LocalName == "Counters");
        passed += (int)counters.Attribute("passed");
        failed += (int)counters.Attribute("failed") + (int)counters.Attribute("error") + (int)counters.Attribute("timeout");
        skipped += (int)counters.Attribute("notExecuted");
    }

    if (failedProjects.Count > 0 && failed == 0)
    {
        failed = failedProjects.Count; // a test host that crashed before writing results still counts as a failure
    }

    // Plain text (no console colours), printed after Cake's task table (below) so it is the run's last line, and
    // kept in a file for CI.
    totals = $"{passed} passed, {failed} failed, {skipped} skipped";
    System.IO.File.WriteAllText(MakeAbsolute(File($"{results}/totals.txt")).FullPath, totals + "\n");
    testsFailed = failed > 0 || passed == 0;
    if (failedProjects.Count > 0)
    {
        Error($"tests failed in: {string.Join(", ", failedProjects)}");
    }
});

Task("Publish").Does(() =>
{
    // ReadyToRun for this machine's runtime: precompiled code starts the node about 0.5 s sooner (the executable
    // runs without tiered compilation, so everything not precompiled is compiled optimized at its first call).
    DotNetPublish("./src/MeshActors/MeshActors.csproj", new DotNetPublishSettings
    {
        Configuration = configuration,
        OutputDirectory = artifacts + Directory("publish"),
        ArgumentCustomization = args => args.Append("--use-current-runtime").Append("-p:PublishReadyToRun=true"),
    });
});

Task("Pack").Does(() =>
{
    DotNetPack("./src/MeshActors/MeshActors.csproj", new DotNetPackSettings
    {
        Configuration = configuration,
        OutputDirectory = artifacts + Directory("packages"),
    });
});

Task("Bench").Does(() =>
{
    DotNetRun("./tests/MeshActors.Benchmarks/MeshActors.Benchmarks.csproj", new ProcessArgumentBuilder()
        .Append("--filter").AppendQuoted(Argument("filter", "*")), new DotNetRunSettings { Configuration = "Release" });
});

Task("Lab").IsDependentOn("Publish").Does(() =>
{
    var topology = Argument("topology", "line");
    StartProcess("bash", new ProcessSettings
    {
        Arguments = $"deploy/lab/lab.sh up {topology}",
    });
    StartProcess("bash", new ProcessSettings
    {
        Arguments = $"deploy/lab/lab.sh start --dll {MakeAbsolute(artifacts + Directory("publish") + File("MeshActors.dll"))}",
    });
});

// Cake prints its task table when the target is done; the totals come after it, as the last line, also when a
// task failed (a build error counts as one failed test, since no test could run).
var targetFailed = false;
try
{
    RunTarget(target);
}
catch (Exception e)
{
    Error(e.Message);
    targetFailed = true;
}

if (target == "Test")
{
    Console.WriteLine(totals ?? "0 passed, 1 failed, 0 skipped");
}

if (targetFailed || testsFailed)
{
    Environment.Exit(1);
}
