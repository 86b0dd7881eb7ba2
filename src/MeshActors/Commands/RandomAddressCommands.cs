using System.CommandLine;
using System.Net;
using System.Security.Cryptography;

namespace MeshActors.Cli.Commands;

/// <summary><c>make-random-ipv4</c> and <c>make-random-ipv6</c>: addresses to put in a config.</summary>
internal static class RandomAddressCommands
{
    public static Command CreateIpv4(CliConsole console)
    {
        var command = new Command("make-random-ipv4", "Print a random IPv4 address in 10.0.0.0/8 (host part never .0 or .255)");
        command.SetAction(_ =>
        {
            console.Out.WriteLine(RandomIpv4());
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateIpv6(CliConsole console)
    {
        var command = new Command("make-random-ipv6", "Print a random unique local IPv6 address in fd00::/8");
        command.SetAction(_ =>
        {
            console.Out.WriteLine(RandomIpv6());
            return ExitCodes.Success;
        });
        return command;
    }

    internal static IPAddress RandomIpv4()
    {
        Span<byte> bytes = stackalloc byte[4];
        bytes[0] = 10;
        RandomNumberGenerator.Fill(bytes[1..]);
        bytes[3] = (byte)RandomNumberGenerator.GetInt32(1, 255);
        return new IPAddress(bytes);
    }

    internal static IPAddress RandomIpv6()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        bytes[0] = 0xfd;
        return new IPAddress(bytes);
    }
}
