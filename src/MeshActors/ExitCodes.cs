namespace MeshActors.Cli;

/// <summary>Process exit codes; documented in README.md ("Exit codes").</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The node or command failed while running (port in use, TUN device refused, node unreachable…).</summary>
    public const int RuntimeFailure = 1;

    /// <summary>Bad command line, bad configuration, or input the node's API refused (400, 413); nothing was started.</summary>
    public const int UsageOrConfig = 2;

    /// <summary>The key file is unusable (wrong size, unreadable) or would be overwritten.</summary>
    public const int KeyFile = 3;

    /// <summary><c>message receive</c>: no message arrived within <c>--timeout</c>; scripts can tell it from a failure.</summary>
    public const int NoMessage = 4;
}
