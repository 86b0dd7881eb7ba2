using MeshActors.Protocol.Frames;
using MeshActors.Testing.Doubles;

namespace MeshActors.DataPlane.Tests.Links;

/// <summary>
/// TCP link sockets are watched by one epoll set, their event loop's, and not also by the runtime's socket engine,
/// whose thread every arriving segment would wake (IO.ReadinessWait says why that matters).
/// </summary>
public sealed class SocketEngineBypassTests
{
    [Fact]
    public async Task Tcp_link_sockets_are_in_one_epoll_set_only()
    {
        await using var alice = LoopbackNode.Create();
        await using var bob = LoopbackNode.Create();
        var outbound = await alice.ConnectAsync(bob.TcpUri(pinned: true));
        var inbound = await bob.NextInboundAsync();
        Assert.True(outbound.SendControl(FrameType.KeepAlive, []));
        Assert.True(inbound.SendControl(FrameType.KeepAlive, []));

        var tcpSockets = TcpSocketDescriptors();
        var memberships = EpollMemberships();
        var watched = tcpSockets.Where(memberships.ContainsKey).ToList();

        Assert.True(watched.Count >= 2, $"expected both link sockets in an epoll set, found {watched.Count}");
        Assert.All(watched, fd => Assert.True(memberships[fd] == 1, $"TCP socket fd {fd} is in {memberships[fd]} epoll sets"));
    }

    /// <summary>How many epoll sets of this process hold each descriptor (from /proc/self/fdinfo).</summary>
    private static Dictionary<int, int> EpollMemberships()
    {
        var counts = new Dictionary<int, int>();
        foreach (var (fd, target) in Descriptors())
        {
            if (target != "anon_inode:[eventpoll]")
            {
                continue;
            }

            foreach (var line in ReadLinesOrNone($"/proc/self/fdinfo/{fd}"))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 1 && fields[0] == "tfd:" && int.TryParse(fields[1], out var member))
                {
                    counts[member] = counts.GetValueOrDefault(member) + 1;
                }
            }
        }

        return counts;
    }

    /// <summary>This process's descriptors that are TCP sockets (their inodes listed in /proc/net/tcp and tcp6).</summary>
    private static List<int> TcpSocketDescriptors()
    {
        var inodes = new HashSet<string>();
        foreach (var table in new[] { "/proc/self/net/tcp", "/proc/self/net/tcp6" })
        {
            foreach (var line in ReadLinesOrNone(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9)
                {
                    inodes.Add(fields[9]);
                }
            }
        }

        return Descriptors()
            .Where(d => d.Target.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(d.Target[8..^1]))
            .Select(d => d.Fd)
            .ToList();
    }

    private static IEnumerable<(int Fd, string Target)> Descriptors()
    {
        foreach (var path in Directory.GetFiles("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(path).LinkTarget;
            }
            catch (IOException)
            {
                continue;
            }

            if (target is not null && int.TryParse(Path.GetFileName(path), out var fd))
            {
                yield return (fd, target);
            }
        }
    }

    private static string[] ReadLinesOrNone(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return [];
        }
    }
}
