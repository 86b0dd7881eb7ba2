using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace MeshActors.Node.Hosting;

/// <summary>The one Serilog pipeline of a node: console, level switchable at run time (API and <c>ctl log-level</c>).</summary>
public static class NodeLogging
{
    public const string OutputTemplate = "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}";

    public static Logger CreateLogger(LoggingLevelSwitch levelSwitch) =>
        new LoggerConfiguration()
            .MinimumLevel.ControlledBy(levelSwitch)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: OutputTemplate, standardErrorFromLevel: LogEventLevel.Verbose)
            .CreateLogger();
}
