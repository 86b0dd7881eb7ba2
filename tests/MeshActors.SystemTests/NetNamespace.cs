using System.ComponentModel;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MeshActors.SystemTests;

/// <summary>
/// Sockets inside a named network namespace without any helper program: a socket belongs to the namespace of the
/// thread that created it, for its whole life, whichever thread uses it later. So a short-lived thread joins the
/// namespace (setns), creates the socket and ends; the test process itself never leaves its own namespace.
/// </summary>
internal static class NetNamespace
{
    private const int CloneNewNet = 0x40000000;

    public static Socket CreateTcpSocket(string namespaceName, AddressFamily family) =>
        CreateSocket(namespaceName, family, SocketType.Stream, ProtocolType.Tcp);

    public static Socket CreateUdpSocket(string namespaceName, AddressFamily family) =>
        CreateSocket(namespaceName, family, SocketType.Dgram, ProtocolType.Udp);

    private static Socket CreateSocket(string namespaceName, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/run/netns/{namespaceName}");
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new Win32Exception(Marshal.GetLastPInvokeError(), $"setns into {namespaceName} failed");
                }

                socket = new Socket(family, type, protocol);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException($"cannot create a socket in {namespaceName}", failure);
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nsType);
}
