using System.Text.RegularExpressions;

namespace MeshActors.SystemTests;

/// <summary>
/// The replies of one <c>ping -c COUNT -i INTERVAL</c> run, read from its output, and the longest run of lost
/// pings: how long a flow at that rate stood still.
/// </summary>
internal sealed partial class PingSeries
{
    private readonly SortedSet<int> answered;

    private PingSeries(int count, TimeSpan interval, SortedSet<int> answered)
    {
        Count = count;
        Interval = interval;
        this.answered = answered;
    }

    public int Count { get; }

    public TimeSpan Interval { get; }

    public int Answered => answered.Count;

    /// <summary>Sequence number of the last answered ping, 0 if none was.</summary>
    public int LastAnswered => answered.Count == 0 ? 0 : answered.Max;

    /// <summary>Most consecutive unanswered pings, counting a loss at the start or the end of the series too.</summary>
    public int LongestLoss
    {
        get
        {
            int longest = 0, previous = 0;
            foreach (var sequence in answered.Append(Count + 1))
            {
                longest = Math.Max(longest, sequence - previous - 1);
                previous = sequence;
            }

            return longest;
        }
    }

    public TimeSpan LongestGap => Interval * LongestLoss;

    /// <summary>Parses iputils ping output; sequence numbers run from 1 to <paramref name="count"/>.</summary>
    public static PingSeries Parse(string output, int count, TimeSpan interval)
    {
        var answered = new SortedSet<int>();
        foreach (Match match in ReplyLine().Matches(output))
        {
            var sequence = int.Parse(match.Groups[1].Value);
            if (sequence >= 1 && sequence <= count)
            {
                answered.Add(sequence);
            }
        }

        return new PingSeries(count, interval, answered);
    }

    public override string ToString() =>
        $"{Answered}/{Count} answered, longest loss {LongestLoss} pings ({LongestGap.TotalSeconds:0.0} s), last answered {LastAnswered}";

    [GeneratedRegex(@"bytes from .*icmp_seq=(\d+)")]
    private static partial Regex ReplyLine();
}
