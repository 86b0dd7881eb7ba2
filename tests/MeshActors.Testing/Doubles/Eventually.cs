namespace MeshActors.Testing.Doubles;

/// <summary>Polls a condition that another thread will make true, failing after a bound instead of sleeping blindly.</summary>
public static class Eventually
{
    /// <summary>Poll period: 10 ms keeps tests fast without spinning a core.</summary>
    private const int PollMs = 10;

    /// <param name="pollMs">Delay between checks; a longer one lets "stopped changing" conditions mean something.</param>
    /// <param name="timeoutMs">Only bounds a failing test: generous (30 s), so a heavily loaded machine still passes.</param>
    public static async Task True(Func<bool> condition, int timeoutMs = 30_000, string? because = null, int pollMs = PollMs)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"condition not met within {timeoutMs} ms{(because is null ? "" : ": " + because)}");
            }

            await Task.Delay(pollMs);
        }
    }
}
