namespace MeshActors.DataPlane.Tun.Linux;

/// <summary>The kernel's rules for an interface name, checked before any system call for a clear message.</summary>
internal static class LinuxInterfaceName
{
    /// <summary>IFNAMSIZ (16) minus the terminating NUL, in bytes.</summary>
    public const int MaxLength = 15;

    public static void Validate(string name)
    {
        if (name.Length > MaxLength || name is "." or ".."
            || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || c > 0x7e || c < 0x21))
        {
            throw new TunDeviceException(
                $"'{name}' is not a valid Linux interface name (1..{MaxLength} printable ASCII characters, no '/', ':' or spaces)");
        }
    }
}
