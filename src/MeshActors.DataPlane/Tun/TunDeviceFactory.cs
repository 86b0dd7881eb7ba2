using MeshActors.DataPlane.Tun.Linux;
using MeshActors.DataPlane.Tun.Windows;

namespace MeshActors.DataPlane.Tun;

/// <summary>Opens the TUN device of the operating system the node runs on; the only place that asks which OS.</summary>
public static class TunDeviceFactory
{
    /// <summary>
    /// Creates and configures the interface described by <paramref name="options"/>. Throws
    /// <see cref="TunUnavailableException"/> on an OS without TUN support from us, or without driver or privilege.
    /// </summary>
    public static IHostTunDevice Open(TunOptions options)
    {
        if (OperatingSystem.IsLinux())
        {
            return LinuxTunDevice.Open(options);
        }

        if (OperatingSystem.IsWindows())
        {
            return WintunDevice.Open(options);
        }

        throw new TunUnavailableException(
            $"no TUN device implementation for {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            "run with --no-tun");
    }
}
