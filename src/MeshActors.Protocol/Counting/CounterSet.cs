using System.Runtime.CompilerServices;
using System.Text;

namespace MeshActors.Protocol.Counting;

/// <summary>
/// One monotonic counter per member of <typeparamref name="TKey"/>, the node's one counter type: any thread may add
/// (Interlocked, no allocation), any thread may read, and <see cref="GetEnumerator"/> walks every counter with its
/// names without allocating, for <c>/metrics</c> and the API.
/// <para>The enum's members must be numbered 0, 1, 2 … (checked once per type), so a member is its own index.</para>
/// </summary>
public sealed class CounterSet<TKey>
    where TKey : struct, Enum
{
    private static readonly TKey[] Keys = Enum.GetValues<TKey>();
    private static readonly string[] Names = Keys.Select(k => k.ToString()).ToArray();
    private static readonly string[] Labels = Names.Select(SnakeCase).ToArray();

    private readonly long[] _values;

    static CounterSet()
    {
        if (Unsafe.SizeOf<TKey>() > sizeof(int) || Keys.Where((key, i) => Convert.ToInt64(key) != i).Any())
        {
            throw new InvalidOperationException($"{typeof(TKey).Name}: a counter key must be an enum of at most 32 bits numbered 0, 1, 2 …");
        }
    }

    public CounterSet() => _values = new long[Keys.Length];

    public long this[TKey key] => Volatile.Read(ref _values[Index(key)]);

    /// <summary>The sum of every counter (e.g. all drop reasons).</summary>
    public long Total
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _values.Length; i++)
            {
                total += Volatile.Read(ref _values[i]);
            }

            return total;
        }
    }

    public void Increment(TKey key) => Interlocked.Increment(ref _values[Index(key)]);

    public void Add(TKey key, long amount) => Interlocked.Add(ref _values[Index(key)], amount);

    /// <summary>Every counter, in the enum's order, zeros included.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>A copy keyed by snake_case label (the metrics and API name), for a message to another thread.</summary>
    public Dictionary<string, long> ToDictionary()
    {
        var copy = new Dictionary<string, long>(_values.Length);
        foreach (var counter in this)
        {
            copy[counter.Label] = counter.Value;
        }

        return copy;
    }

    /// <summary>A copy of the counters that are not zero, keyed by member.</summary>
    public Dictionary<TKey, long> NonZero()
    {
        var copy = new Dictionary<TKey, long>();
        foreach (var counter in this)
        {
            if (counter.Value != 0)
            {
                copy[counter.Key] = counter.Value;
            }
        }

        return copy;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Index(TKey key) => Unsafe.SizeOf<TKey>() switch
    {
        // The size is a constant for each TKey, so the JIT keeps one branch and nothing is boxed.
        sizeof(byte) => Unsafe.As<TKey, byte>(ref key),
        sizeof(ushort) => Unsafe.As<TKey, ushort>(ref key),
        _ => Unsafe.As<TKey, int>(ref key),
    };

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    /// <summary>One counter: its member, the member's name (e.g. <c>PoolExhausted</c>), its snake_case label
    /// (<c>pool_exhausted</c>) and its value when read.</summary>
    public readonly record struct Counter(TKey Key, string Name, string Label, long Value);

    public struct Enumerator(CounterSet<TKey> set)
    {
        private int _index = -1;

        public readonly Counter Current => new(Keys[_index], Names[_index], Labels[_index], Volatile.Read(ref set._values[_index]));

        public bool MoveNext() => ++_index < Keys.Length;
    }
}
