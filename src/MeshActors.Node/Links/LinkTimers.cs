namespace MeshActors.Node.Links;

/// <summary>Link timing (config section <c>meshactors.links</c>; defaults and reasons in reference.conf).</summary>
/// <param name="TrimAfterMassClose">Quiet time after a mass close of links before the node returns the freed memory
/// (<see cref="MassCloseTrim"/>); zero: never.</param>
public sealed record LinkTimers(
    TimeSpan HelloInterval,
    TimeSpan DeadAfter,
    TimeSpan ReconnectMin,
    TimeSpan ReconnectMax,
    TimeSpan ConnectTimeout,
    TimeSpan TrimAfterMassClose = default)
{
    public static LinkTimers Default { get; } = new(
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10),
        TimeSpan.FromSeconds(10));

    /// <summary>Delay before reconnect attempt <paramref name="attempt"/> (0-based): doubling from ReconnectMin up to
    /// ReconnectMax, with ±20 % jitter so a mesh that lost a node does not redial it in lock-step.</summary>
    public TimeSpan ReconnectDelay(int attempt, Random random)
    {
        var doubled = ReconnectMin.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20));
        var capped = Math.Min(doubled, ReconnectMax.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (0.4 * random.NextDouble())));
    }
}
