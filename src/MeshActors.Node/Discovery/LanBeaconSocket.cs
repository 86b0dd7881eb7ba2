using System.Net;
using System.Net.Sockets;
using MeshActors.Protocol.Discovery;

namespace MeshActors.Node.Discovery;

/// <summary>
/// The UDP socket of LAN discovery: bound to <c>[::]:lan-port</c> (shared with other nodes on the host), joined to
/// <see cref="LanBeacon.Group"/> per interface, sending beacons out of one chosen interface at a time. A dedicated
/// thread reads datagrams and hands each, with its source, to the callback; it ends when the socket is disposed.
/// </summary>
internal sealed class LanBeaconSocket : IDisposable
{
    private static readonly IPAddress Group = IPAddress.Parse(LanBeacon.Group);

    private readonly Socket _socket = new(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
    private readonly int _port;
    private readonly HashSet<int> _joined = [];
    private readonly Thread _reader;

    /// <param name="onDatagram">Called on the reader thread with each datagram and its source; must not block.</param>
    public LanBeaconSocket(int port, Action<ReadOnlySpan<byte>, IPEndPoint> onDatagram)
    {
        _port = port;
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        _reader = new Thread(() => Read(onDatagram)) { IsBackground = true, Name = "meshactors-lan-rx" };
        _reader.Start();
    }

    /// <summary>Joins the group on the interface once; false when the host refuses (counted by the caller).</summary>
    public bool Join(int interfaceIndex)
    {
        if (_joined.Contains(interfaceIndex))
        {
            return true;
        }

        try
        {
            _socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(Group, interfaceIndex));
            _joined.Add(interfaceIndex);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>An interface that went away: joined again when it comes back.</summary>
    public void Forget(IEnumerable<int> interfaceIndexes) => _joined.ExceptWith(interfaceIndexes);

    public IReadOnlySet<int> Joined => _joined;

    /// <summary>Sends one beacon out of the interface; false when the host refused it.</summary>
    public bool Send(int interfaceIndex, ReadOnlySpan<byte> beacon)
    {
        try
        {
            _socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, interfaceIndex);
            _socket.SendTo(beacon, SocketFlags.None, new IPEndPoint(new IPAddress(Group.GetAddressBytes(), interfaceIndex), _port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _reader.Join(TimeSpan.FromSeconds(5));
    }

    private void Read(Action<ReadOnlySpan<byte>, IPEndPoint> onDatagram)
    {
        var buffer = new byte[LanBeacon.Size + 1];
        EndPoint from = new IPEndPoint(IPAddress.IPv6Any, 0);
        while (true)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, ref from);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                continue;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // disposed
            }

            onDatagram(buffer.AsSpan(0, length), (IPEndPoint)from);
        }
    }
}
