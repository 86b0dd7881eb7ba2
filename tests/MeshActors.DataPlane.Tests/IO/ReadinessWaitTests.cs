using MeshActors.DataPlane.IO;
using static Tmds.Linux.LibC;

namespace MeshActors.DataPlane.Tests.IO;

public sealed class ReadinessWaitTests : IDisposable
{
    private readonly EventLoop _loop = new(index: 9, maintenanceIntervalMs: 1000, receiveBufferSize: 1024);
    private readonly int _near;
    private readonly int _far;

    public unsafe ReadinessWaitTests()
    {
        var pair = stackalloc int[2];
        Assert.Equal(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair));
        _near = pair[0];
        _far = pair[1];
    }

    [Fact]
    public async Task Completes_once_data_arrives_and_leaves_the_descriptor_to_the_next_wait()
    {
        var wait = ReadinessWait.WhenReady(_loop, _near, writable: false, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);

        WriteOneByte();
        await wait.WaitAsync(TimeSpan.FromSeconds(10));

        // Still unread, so a second wait completes at once; it could not watch the descriptor had the first kept it.
        await ReadinessWait.WhenReady(_loop, _near, writable: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Cancelling_ends_the_wait_and_takes_the_descriptor_out_of_the_set()
    {
        using var cancel = new CancellationTokenSource();
        var wait = ReadinessWait.WhenReady(_loop, _near, writable: false, cancel.Token);
        await Task.Delay(50);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, await ClientsAfterRequestsAsync());
        var next = ReadinessWait.WhenReady(_loop, _near, writable: false, CancellationToken.None);
        WriteOneByte();
        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_writable_wait_completes_when_the_socket_has_room()
    {
        await ReadinessWait.WhenReady(_loop, _near, writable: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, await ClientsAfterRequestsAsync());
    }

    [Fact]
    public async Task A_closed_descriptor_fails_the_wait_instead_of_hanging()
    {
        var closed = dup(_near);
        close(closed);

        await Assert.ThrowsAsync<IOException>(() => ReadinessWait.WhenReady(_loop, closed, writable: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    public void Dispose()
    {
        _loop.Dispose();
        close(_near);
        close(_far);
    }

    private unsafe void WriteOneByte()
    {
        byte one = 1;
        Assert.Equal(1, (long)write(_far, &one, 1));
    }

    /// <summary>The loop's client count once it has served every request queued so far (a wait queued behind them).</summary>
    private async Task<int> ClientsAfterRequestsAsync()
    {
        var probe = dup(_near);
        try
        {
            await ReadinessWait.WhenReady(_loop, probe, writable: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            return _loop.Clients;
        }
        finally
        {
            close(probe);
        }
    }
}
