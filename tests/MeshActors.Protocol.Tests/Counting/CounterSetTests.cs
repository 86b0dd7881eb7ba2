using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshActors.Protocol.Counting;

namespace MeshActors.Protocol.Tests.Counting;

public class CounterSetTests
{
    private enum Sample
    {
        UpdatesReceived,
        PoolExhausted,
        Icmp,
    }

    private enum SmallSample : byte
    {
        First,
        Second,
    }

    private enum Gapped
    {
        One = 1,
        Two,
    }

    /// <summary>Each thread adds its own list of (member, amount); every counter ends as the sum of what was added to it.</summary>
    [Property(MaxTest = 50)]
    public Property Concurrent_adds_sum_right() =>
        Prop.ForAll(
            Gen.ListOf(Gen.ListOf(Gen.Zip(Gen.Choose(0, 2), Gen.Choose(0, 1_000)))).Select(threads => threads.Take(8).ToArray()).ToArbitrary(),
            threads =>
            {
                var counters = new CounterSet<Sample>();
                using var start = new Barrier(threads.Length);
                var workers = threads.Select(adds => new Thread(() =>
                {
                    start.SignalAndWait();
                    foreach (var (member, amount) in adds)
                    {
                        if (amount == 1)
                        {
                            counters.Increment((Sample)member);
                        }
                        else
                        {
                            counters.Add((Sample)member, amount);
                        }
                    }
                })).ToList();
                workers.ForEach(w => w.Start());
                workers.ForEach(w => w.Join());

                var expected = Enum.GetValues<Sample>().ToDictionary(
                    member => member,
                    member => threads.SelectMany(adds => adds).Where(add => add.Item1 == (int)member).Sum(add => (long)add.Item2));
                return Enum.GetValues<Sample>().All(member => counters[member] == expected[member])
                    && counters.Total == expected.Values.Sum();
            });

    [Fact]
    public void Enumerates_every_member_in_order_with_its_name_and_snake_case_label()
    {
        var counters = new CounterSet<Sample>();
        counters.Add(Sample.PoolExhausted, 3);

        var seen = new List<(Sample, string, string, long)>();
        foreach (var counter in counters)
        {
            seen.Add((counter.Key, counter.Name, counter.Label, counter.Value));
        }

        Assert.Equal(
            [(Sample.UpdatesReceived, "UpdatesReceived", "updates_received", 0L), (Sample.PoolExhausted, "PoolExhausted", "pool_exhausted", 3L), (Sample.Icmp, "Icmp", "icmp", 0L)],
            seen);
        Assert.Equal(new Dictionary<string, long> { ["updates_received"] = 0, ["pool_exhausted"] = 3, ["icmp"] = 0 }, counters.ToDictionary());
        Assert.Equal(new Dictionary<Sample, long> { [Sample.PoolExhausted] = 3 }, counters.NonZero());
    }

    [Fact]
    public void A_byte_enum_is_its_own_index()
    {
        var counters = new CounterSet<SmallSample>();
        counters.Increment(SmallSample.Second);

        Assert.Equal((0L, 1L), (counters[SmallSample.First], counters[SmallSample.Second]));
    }

    [Fact]
    public void An_enum_not_numbered_from_zero_is_refused()
    {
        var refused = Assert.Throws<TypeInitializationException>(() => new CounterSet<Gapped>());
        Assert.Contains(nameof(Gapped), refused.InnerException!.Message);
    }

    [Fact]
    public void Counting_and_reading_allocate_nothing()
    {
        var counters = new CounterSet<Sample>();
        CountAndRead(counters); // the first call JIT-compiles
        var before = GC.GetAllocatedBytesForCurrentThread();

        var sum = CountAndRead(counters);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);
    }

    private static long CountAndRead(CounterSet<Sample> counters)
    {
        long sum = 0;
        for (var i = 0; i < 1_000; i++)
        {
            counters.Increment(Sample.Icmp);
            counters.Add(Sample.UpdatesReceived, 2);
            foreach (var counter in counters)
            {
                sum += counter.Value + counter.Label.Length;
            }

            sum += counters[Sample.PoolExhausted] + counters.Total;
        }

        return sum;
    }
}
