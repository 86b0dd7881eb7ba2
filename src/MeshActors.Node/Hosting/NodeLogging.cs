using Serilog;
using Serilog.Core;
using Serilog.Events;
using AkkaLogLevel = Akka.Event.LogLevel;

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
            // The host logs a failed start with its whole stack trace; the node reports it in one line instead.
            .MinimumLevel.Override("Microsoft.Extensions.Hosting.Internal.Host", LogEventLevel.Fatal)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: OutputTemplate, standardErrorFromLevel: LogEventLevel.Verbose)
            .CreateLogger();

    /// <summary>
    /// Akka's own filter for a node level. It follows the node's level rather than passing everything to Serilog, as
    /// Akka prints a line of its own format at shutdown whenever its level is debug.
    /// </summary>
    public static AkkaLogLevel AkkaLevel(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => AkkaLogLevel.DebugLevel,
        LogEventLevel.Information => AkkaLogLevel.InfoLevel,
        LogEventLevel.Warning => AkkaLogLevel.WarningLevel,
        _ => AkkaLogLevel.ErrorLevel,
    };
}
