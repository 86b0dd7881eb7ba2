using MeshActors.DataPlane.Links;

namespace MeshActors.DataPlane.Tests.Links;

public sealed class DatagramRunTests
{
    [Fact]
    public void Equal_frames_leave_together_and_a_shorter_or_longer_frame_ends_the_run()
    {
        var sender = new RecordingSender();
        var run = new DatagramRun(new byte[10_000]);
        int[] sizes = [100, 100, 100, 60, 100, 120, 100, 120];

        foreach (var (size, i) in sizes.Select((size, i) => (size, i)))
        {
            run.Add(Frame(size, (byte)i), sender);
        }

        run.Send(sender);
        run.Send(sender);

        Assert.Equal([(360, 100), (100, 100), (220, 120), (120, 120)], sender.Sends.Select(s => (s.Bytes.Length, s.DatagramSize)));
        Assert.Equal(sizes.SelectMany((size, i) => Frame(size, (byte)i)), sender.Sends.SelectMany(s => s.Bytes));
    }

    [Fact]
    public void A_run_that_would_overflow_the_scratch_is_sent_first()
    {
        var sender = new RecordingSender();
        var run = new DatagramRun(new byte[2_500]);

        for (var i = 0; i < 5; i++)
        {
            run.Add(Frame(1_000, (byte)i), sender);
        }

        run.Send(sender);

        Assert.Equal([2_000, 2_000, 1_000], sender.Sends.Select(s => s.Bytes.Length));
    }

    private static byte[] Frame(int size, byte fill) => Enumerable.Repeat(fill, size).ToArray();

    private sealed class RecordingSender : ISegmentSender
    {
        public List<(byte[] Bytes, int DatagramSize)> Sends { get; } = [];

        public void SendSegments(ReadOnlySpan<byte> datagrams, int datagramSize) => Sends.Add((datagrams.ToArray(), datagramSize));
    }
}
