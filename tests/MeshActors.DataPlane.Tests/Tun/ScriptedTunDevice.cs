using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using MeshActors.DataPlane.Tun;
using MeshActors.Protocol;

namespace MeshActors.DataPlane.Tests.Tun;

/// <summary>
/// An OS device on the <see cref="HostTunDevice"/> skeleton whose "kernel" is the test: <see cref="Inject"/> queues
/// a packet, <see cref="Vanish"/> makes the OS take the device away, <see cref="Written"/> holds what was sent. An
/// empty packet is rejected as the kernel rejects a non-IP one; after <see cref="CloseWritesAfter"/> sends the OS
/// reports the device closed. <see cref="HoldAfterWake"/> keeps a woken reader inside the skeleton's call until the
/// test opens it, so a test can see what Dispose does while a call still borrows the handle.
/// </summary>
internal sealed class ScriptedTunDevice : HostTunDevice
{
    private readonly ConcurrentQueue<byte[]> _inbound = new();
    private readonly object _gate = new();
    private bool _woken;
    private bool _gone;
    private int _parked;

    private ScriptedTunDevice(ScriptedHandle handle, RecordingTunCommands commands, int mtu)
        : base(handle, "scripted0", mtu, commands)
    {
        Handle = handle;
    }

    public ScriptedHandle Handle { get; }

    public ConcurrentQueue<byte[]> Written { get; } = new();

    public int CloseWritesAfter { get; set; } = int.MaxValue;

    public ManualResetEventSlim HoldAfterWake { get; } = new(initialState: true);

    /// <summary>How often a reader parked waiting for a packet.</summary>
    public int Parked => Volatile.Read(ref _parked);

    public static ScriptedTunDevice Open(TunOptions options, RecordingTunCommands commands) =>
        Configured(new ScriptedTunDevice(new ScriptedHandle(), commands, options.Mtu), options);

    public void Inject(params byte[][] packets)
    {
        foreach (var packet in packets)
        {
            _inbound.Enqueue(packet);
        }

        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    public void Vanish()
    {
        lock (_gate)
        {
            _gone = true;
            Monitor.PulseAll(_gate);
        }
    }

    private protected override int ReceiveOne(Span<byte> buffer)
    {
        if (_inbound.TryDequeue(out var packet))
        {
            packet.CopyTo(buffer);
            return packet.Length;
        }

        return Volatile.Read(ref _gone) ? DeviceGone : NothingQueued;
    }

    private protected override bool WaitReadable()
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _parked);
            while (_inbound.IsEmpty && !_woken && !_gone)
            {
                Monitor.Wait(_gate);
            }
        }

        HoldAfterWake.Wait();
        return !_woken;
    }

    private protected override TunWriteStatus SendOne(ReadOnlySpan<byte> packet)
    {
        if (Written.Count >= CloseWritesAfter)
        {
            return TunWriteStatus.Closed;
        }

        if (packet.IsEmpty)
        {
            return TunWriteStatus.Rejected;
        }

        Written.Enqueue(packet.ToArray());
        return TunWriteStatus.Written;
    }

    private protected override void WakeParkedCalls()
    {
        lock (_gate)
        {
            _woken = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Stands for the OS descriptor or session; records when the skeleton really released it.</summary>
    internal sealed class ScriptedHandle : SafeHandle
    {
        public ScriptedHandle()
            : base(invalidHandleValue: 0, ownsHandle: true)
        {
            SetHandle(1);
        }

        public ManualResetEventSlim Released { get; } = new();

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            Released.Set();
            return true;
        }
    }
}

/// <summary>The host's configuration commands, recorded in order; a command matching <see cref="Refuse"/> fails as the host would.</summary>
internal sealed class RecordingTunCommands : ITunHostCommands
{
    public List<string> Log { get; } = [];

    public Func<string, bool> Refuse { get; set; } = _ => false;

    public void SetMtuAndUp(string device, int mtu) => Record($"mtu {device} {mtu} up");

    public void AddAddress(string device, TunAddress address) => Record($"address {device} {address}");

    public void AddRoute(string device, IpPrefix prefix) => Record($"route add {device} {prefix}");

    public void DeleteRoute(string device, IpPrefix prefix) => Record($"route del {device} {prefix}");

    private void Record(string command)
    {
        if (Refuse(command))
        {
            throw new TunDeviceException($"'{command}' refused");
        }

        Log.Add(command);
    }
}
