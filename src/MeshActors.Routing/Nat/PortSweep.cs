namespace MeshActors.Routing.Nat;

/// <summary>
/// Every port a NAT hands out for an unprivileged source port (1024..65535), each once, in an order that starts at a
/// random port and strides by a random step coprime to the range, so no two attempts walk the ports alike and no
/// table of ports is held.
/// </summary>
public sealed class PortSweep
{
    public const int FirstPort = 1024;

    /// <summary>65,536 − 1,024 ports = 2^10 × 3^2 × 7: a step is coprime to it when odd and divisible by neither 3 nor 7.</summary>
    public const int PortCount = 65_536 - FirstPort;

    private readonly int _start;
    private readonly int _step;
    private int _taken;

    public PortSweep(Random random)
    {
        _start = random.Next(PortCount);
        do
        {
            _step = random.Next(PortCount / 4, PortCount);
        }
        while (_step % 2 == 0 || _step % 3 == 0 || _step % 7 == 0);
    }

    public int Taken => _taken;

    public bool TryNext(out int port)
    {
        if (_taken >= PortCount)
        {
            port = 0;
            return false;
        }

        port = FirstPort + (int)((_start + (long)_taken * _step) % PortCount);
        _taken++;
        return true;
    }
}
