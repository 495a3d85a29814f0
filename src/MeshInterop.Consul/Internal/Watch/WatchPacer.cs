namespace MeshInterop.Consul.Internal.Watch;

/// <summary>
/// A token bucket on the injected clock: <c>burst</c> requests may go at once, then one per interval.
/// Every watch loop takes a token before each request, so no loop can spin (reference §6 rule 4).
/// </summary>
internal sealed class WatchPacer
{
    private readonly TimeSpan _interval;
    private readonly int _burst;
    private readonly TimeProvider _timeProvider;
    private double _tokens;
    private long _lastRefill;

    public WatchPacer(TimeSpan interval, int burst, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _interval = interval;
        _burst = burst;
        _timeProvider = timeProvider;
        _tokens = burst;
        _lastRefill = timeProvider.GetTimestamp();
    }

    /// <summary>Waits until a token is available and takes it.</summary>
    public async ValueTask TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = _timeProvider.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + (_timeProvider.GetElapsedTime(_lastRefill, now) / _interval));
            _lastRefill = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return;
            }

            var missing = _interval * (1 - _tokens);
            await Task.Delay(missing < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : missing, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }
}
