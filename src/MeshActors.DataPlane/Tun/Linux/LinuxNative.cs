using System.Runtime.InteropServices;
using Tmds.Linux;

namespace MeshActors.DataPlane.Tun.Linux;

/// <summary>
/// The few libc calls the Linux TUN device needs, through Tmds.LibC, and what Tmds.LibC lacks: the TUN ioctl
/// (TUNSETIFF) and its IFF_* flags from linux/if_tun.h, the layout of struct ifreq, and readv/writev (imported here)
/// for the virtio-net header in front of each packet. Errors come back as errno
/// through <see cref="Marshal.GetLastPInvokeError"/>. The constants below are kept as <c>const</c> (the callers
/// switch on them; Tmds.LibC exposes its constants as properties); they are the same on x64, arm64 and arm.
/// </summary>
internal static unsafe partial class LinuxNative
{
    public const int ORdWr = 0x2;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;

    /// <summary>eventfd flags share their values with O_NONBLOCK and O_CLOEXEC.</summary>
    public const int EfdNonBlock = ONonBlock;
    public const int EfdCloExec = OCloExec;

    /// <summary>_IOW('T', 202, int): attach this file descriptor to a (new) TUN/TAP interface.</summary>
    public const nuint TunSetIff = 0x400454ca;

    /// <summary>_IOW('T', 208, unsigned int): which offloads the kernel may use for packets it hands to this descriptor.</summary>
    public const nuint TunSetOffload = 0x400454d0;

    /// <summary>TUNSETOFFLOAD flags: partial checksums, TCP super packets over IPv4 and IPv6, UDP super packets.</summary>
    public const uint TunFCsum = 0x01;
    public const uint TunFTso4 = 0x02;
    public const uint TunFTso6 = 0x04;
    public const uint TunFUso4 = 0x20;
    public const uint TunFUso6 = 0x40;

    /// <summary>Layer-3 device (no Ethernet header).</summary>
    public const short IffTun = 0x0001;

    /// <summary>No 4-byte packet-information prefix: reads and writes are bare IP packets.</summary>
    public const short IffNoPi = 0x1000;

    /// <summary>A virtio-net header (<see cref="VirtioNetHeader"/>) in front of every packet read or written.</summary>
    public const short IffVnetHdr = 0x4000;

    /// <summary>struct ifreq: 16-byte interface name (IFNAMSIZ, NUL included), then a union of 24 bytes.</summary>
    public const int IfReqSize = 40;
    public const int IfNameSize = 16;
    public const int IfReqFlagsOffset = 16;

    public const short PollIn = 0x001;
    public const short PollOut = 0x004;

    public const int EPerm = 1;
    public const int ENoEnt = 2;
    public const int EIntr = 4;
    public const int EIo = 5;
    public const int ENxIo = 6;
    public const int EAgain = 11;
    public const int EAcces = 13;
    public const int EBusy = 16;
    public const int ENoDev = 19;
    public const int EInval = 22;

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    public static int Open(string path, int flags)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = utf8)
        {
            return LibC.open(p, flags, 0);
        }
    }

    public static int Close(int fd) => LibC.close(fd);

    public static nint Read(int fd, byte* buffer, nuint count) => (nint)(long)LibC.read(fd, buffer, (int)count);

    public static nint Write(int fd, byte* buffer, nuint count) => (nint)(long)LibC.write(fd, buffer, (int)count);

    /// <summary>readv(2): one packet into a header and a body.</summary>
    public static nint ReadTwo(int fd, byte* first, nuint firstLength, byte* second, nuint secondLength)
    {
        var vectors = stackalloc IoVec[2];
        vectors[0] = new IoVec { Base = first, Length = firstLength };
        vectors[1] = new IoVec { Base = second, Length = secondLength };
        return readv(fd, vectors, 2);
    }

    /// <summary>readv(2): one packet into a header, a body and an overflow for what the body cannot hold.</summary>
    public static nint ReadThree(int fd, byte* first, nuint firstLength, byte* second, nuint secondLength, byte* third, nuint thirdLength)
    {
        var vectors = stackalloc IoVec[3];
        vectors[0] = new IoVec { Base = first, Length = firstLength };
        vectors[1] = new IoVec { Base = second, Length = secondLength };
        vectors[2] = new IoVec { Base = third, Length = thirdLength };
        return readv(fd, vectors, thirdLength == 0 ? 2 : 3);
    }

    /// <summary>writev(2): one packet from a header and a body.</summary>
    public static nint WriteTwo(int fd, byte* first, nuint firstLength, byte* second, nuint secondLength)
    {
        var vectors = stackalloc IoVec[2];
        vectors[0] = new IoVec { Base = first, Length = firstLength };
        vectors[1] = new IoVec { Base = second, Length = secondLength };
        return writev(fd, vectors, 2);
    }

    public static int Ioctl(int fd, nuint request, byte* argument) => LibC.ioctl(fd, (int)request, argument);

    /// <summary>An ioctl whose argument is a number passed by value (TUNSETOFFLOAD).</summary>
    public static int Ioctl(int fd, nuint request, nuint value) => LibC.ioctl(fd, (int)request, (void*)value);

    /// <summary>poll(2); <see cref="PollFd"/> has the layout of struct pollfd.</summary>
    public static int Poll(PollFd* fds, nuint count, int timeoutMilliseconds) =>
        LibC.poll((Tmds.Linux.pollfd*)fds, (uint)count, timeoutMilliseconds);

    public static int EventFd(uint initialValue, int flags) => LibC.eventfd(initialValue, flags);

    /// <summary>"EPERM (Operation not permitted)"-style text for messages.</summary>
    public static string Describe(int errno) => $"errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})";

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint readv(int fd, IoVec* vectors, int count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint writev(int fd, IoVec* vectors, int count);
}
