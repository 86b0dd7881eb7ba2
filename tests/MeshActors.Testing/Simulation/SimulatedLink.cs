namespace MeshActors.Testing.Simulation;

/// <summary>
/// A link of the simulated network. <see cref="IsUp"/> is the physical state (does a frame get through);
/// <see cref="CoresSeeUp"/> is what the two routing cores were told (they learn of changes only after the
/// link layer's detection delay). <see cref="Epoch"/> changes on every cut or heal so frames in flight across
/// a change are dropped.
/// </summary>
public sealed class SimulatedLink(int a, int b, TimeSpan latency, ushort cost)
{
    public int A { get; } = a;

    public int B { get; } = b;

    public TimeSpan Latency { get; } = latency;

    public ushort Cost { get; } = cost;

    public bool IsUp { get; internal set; } = true;

    public bool CoresSeeUp { get; internal set; }

    public int Epoch { get; internal set; }

    public int Other(int node) => node == A ? B : A;
}
