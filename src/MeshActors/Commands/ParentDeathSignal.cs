using System.Runtime.InteropServices;

namespace MeshActors.Cli.Commands;

/// <summary>
/// A mesh's node process started by the <see cref="MeshSupervisor"/> asks the kernel for SIGTERM when the supervisor
/// dies (PR_SET_PDEATHSIG), so a supervisor killed with SIGKILL leaves no node running behind it. The supervisor
/// passes its PID in <see cref="Variable"/>; a child whose parent is already another process stops at once.
/// </summary>
internal static partial class ParentDeathSignal
{
    public const string Variable = "MESHACTORS_SUPERVISOR_PID";

    private const int PrSetPdeathsig = 1;
    private const int Sigterm = 15;

    /// <summary>False when this process was started by a supervisor that is gone already.</summary>
    public static bool Arm()
    {
        if (!OperatingSystem.IsLinux() || !int.TryParse(Environment.GetEnvironmentVariable(Variable), out var supervisor))
        {
            return true;
        }

        _ = prctl(PrSetPdeathsig, Sigterm, 0, 0, 0);
        return Tmds.Linux.LibC.getppid() == supervisor;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
