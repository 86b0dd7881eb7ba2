namespace MeshActors.SystemTests;

/// <summary>A fact that builds namespace labs: skipped, with the reason, unless running on Linux as root with iproute2 and ping.</summary>
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        Skip = MissingLabPrerequisite();
    }

    internal static string? MissingLabPrerequisite()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            return "namespace labs need Linux and root";
        }

        return Shell.OnPath("ip") && Shell.OnPath("ping") ? null : "namespace labs need iproute2 and iputils-ping";
    }
}

/// <summary>A NAT lab fact (deploy/lab/nat-lab.sh): a node lab fact that also needs iptables and conntrack.</summary>
public sealed class NatLabFactAttribute : FactAttribute
{
    public NatLabFactAttribute()
    {
        Skip = LabFactAttribute.MissingLabPrerequisite()
               ?? (RepoPaths.NodeDll() is null ? "node binary not built (dotnet build src/MeshActors, or set MESHACTORS_DLL)" : null)
               ?? (Shell.OnPath("iptables") && Shell.OnPath("conntrack") ? null : "the NAT lab needs iptables and conntrack (Debian: iptables conntrack)");
    }
}

/// <summary>A lab fact that also runs nodes: additionally skipped until the node binary has been built.</summary>
public sealed class NodeLabFactAttribute : FactAttribute
{
    public NodeLabFactAttribute()
    {
        Skip = LabFactAttribute.MissingLabPrerequisite()
               ?? (RepoPaths.NodeDll() is null ? "node binary not built (dotnet build src/MeshActors, or set MESHACTORS_DLL)" : null)
               ?? (File.Exists("/dev/net/tun") ? null : "nodes need /dev/net/tun");
    }
}

/// <summary>A <see cref="NodeLabFactAttribute"/> with data: the same prerequisites, one run per data row.</summary>
public sealed class NodeLabTheoryAttribute : TheoryAttribute
{
    public NodeLabTheoryAttribute()
    {
        Skip = new NodeLabFactAttribute().Skip;
    }
}
