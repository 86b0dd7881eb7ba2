using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Tests.Links;

/// <summary>
/// A hand-driven peer on a raw socket: runs a genuine pinned handshake with a node's listener or UDP endpoint, then
/// lets a test put any bytes on the wire — valid frames, flipped bits, replays, broken framing — to see how the
/// node's live link copes.
/// </summary>
internal sealed class RawPeer : IDisposable
{
    private readonly Socket _socket;
    private readonly bool _tcp;
    private readonly NodeIdentity _identity = NodeIdentity.Generate();

    private RawPeer(Socket socket, bool tcp)
    {
        _socket = socket;
        _tcp = tcp;
        _socket.ReceiveTimeout = 5_000;
    }

    public LinkSession Session { get; private set; } = null!;

    public static RawPeer Tcp(IPEndPoint listener)
    {
        var socket = new Socket(listener.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(listener);
        return new RawPeer(socket, tcp: true);
    }

    public static RawPeer Udp(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(endpoint);
        return new RawPeer(socket, tcp: false);
    }

    /// <summary>IK handshake pinned to <paramref name="responder"/>; afterwards <see cref="Session"/> seals frames the node accepts.</summary>
    public RawPeer Handshake(PublicIdentity responder)
    {
        using var initiator = new HandshakeInitiator(new HandshakeSettings(_identity, AdmissionPolicy.Open), responder, localIndex: 0x01020304);
        var init = new byte[initiator.InitiationSize];
        initiator.WriteInitiation((ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), init);
        SendFrame(init);
        var result = initiator.Receive(ReceiveFrame(), Environment.TickCount64, new byte[HandshakeLayout.XxFinishSize]);
        Session = result.Session ?? throw new InvalidOperationException($"raw handshake failed: {result.Error}");
        return this;
    }

    /// <summary>A sealed transport frame the node will accept (once).</summary>
    public byte[] Seal(FrameType type, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[payload.Length + FrameLayout.TransportOverhead];
        payload.CopyTo(frame.AsSpan(FrameLayout.HeaderSize));
        var status = Session.Seal(frame, type, payload.Length, out var length);
        return status is SealStatus.Sealed ? frame[..length] : throw new InvalidOperationException(status.ToString());
    }

    /// <summary>One frame, with the TCP length prefix when on TCP.</summary>
    public void SendFrame(ReadOnlySpan<byte> frame)
    {
        if (!_tcp)
        {
            _socket.Send(frame);
            return;
        }

        var record = new byte[TcpFraming.PrefixSize + frame.Length];
        BinaryPrimitives.WriteUInt16BigEndian(record, (ushort)frame.Length);
        frame.CopyTo(record.AsSpan(TcpFraming.PrefixSize));
        _socket.Send(record);
    }

    /// <summary>Bytes exactly as given (breaking the framing if the test wants).</summary>
    public void SendRaw(ReadOnlySpan<byte> bytes) => _socket.Send(bytes);

    /// <summary>True once the node closed the connection (a read returns end of stream or a reset).</summary>
    public bool WaitClosed(TimeSpan timeout)
    {
        _socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        var sink = new byte[4096];
        try
        {
            while (true)
            {
                if (_socket.Receive(sink) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        Session?.Dispose();
        _identity.Dispose();
    }

    private byte[] ReceiveFrame()
    {
        if (!_tcp)
        {
            var datagram = new byte[FrameLayout.MaxFrameSize];
            return datagram[.._socket.Receive(datagram)];
        }

        var prefix = ReceiveExactly(TcpFraming.PrefixSize);
        return ReceiveExactly(BinaryPrimitives.ReadUInt16BigEndian(prefix));
    }

    private byte[] ReceiveExactly(int count)
    {
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = _socket.Receive(buffer, filled, count - filled, SocketFlags.None);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            filled += read;
        }

        return buffer;
    }
}
