namespace MeshInterop.Protocol.Internal;

/// <summary>
/// Delays between a consumer's connection attempts (R14): the first no sooner than the initial delay,
/// then doubling up to the cap, each with up to <see cref="JitterFraction"/> added so that many
/// consumers of one owner spread out; reset once a stream has stayed up for the healthy period.
/// The cap bounds the exponential part; jitter is added on top, so a delay never falls below the
/// schedule and never exceeds the cap by more than the jitter fraction.
/// </summary>
internal sealed class ReconnectBackoff
{
    public const double JitterFraction = 0.2;

    private readonly TimeSpan _initial;
    private readonly TimeSpan _cap;
    private readonly Func<double> _nextUnitRandom;
    private int _failures;

    /// <param name="initial">The first delay; the spec requires at least one second.</param>
    /// <param name="cap">The largest delay before jitter.</param>
    /// <param name="nextUnitRandom">A source of values in [0, 1), injectable so tests are deterministic.</param>
    public ReconnectBackoff(TimeSpan initial, TimeSpan cap, Func<double> nextUnitRandom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, initial);
        ArgumentNullException.ThrowIfNull(nextUnitRandom);
        _initial = initial;
        _cap = cap;
        _nextUnitRandom = nextUnitRandom;
    }

    /// <summary>Gets how many attempts have failed since the last reset.</summary>
    public int Failures => _failures;

    /// <summary>Records a failed attempt and returns how long to wait before the next one.</summary>
    public TimeSpan NextDelay()
    {
        // 2^30 initial delays overflow nothing and are far past any sane cap.
        var exponent = Math.Min(_failures, 30);
        _failures++;
        var scheduled = Math.Min(_initial.Ticks * Math.Pow(2, exponent), _cap.Ticks);
        var jitter = scheduled * JitterFraction * Math.Clamp(_nextUnitRandom(), 0, 1);
        return TimeSpan.FromTicks((long)(scheduled + jitter));
    }

    /// <summary>Starts the schedule again, after a stream stayed healthy long enough.</summary>
    public void Reset() => _failures = 0;
}
