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
    private readonly Action<TimeSpan>? _onWait;
    private double _tokens;
    private long _lastRefill;

    /// <param name="interval">The refill interval: one token per interval.</param>
    /// <param name="burst">The bucket size.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="onWait">Called, once the wait has started, whenever a caller must wait for a token.</param>
    public WatchPacer(TimeSpan interval, int burst, TimeProvider timeProvider, Action<TimeSpan>? onWait = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _interval = interval;
        _burst = burst;
        _timeProvider = timeProvider;
        _onWait = onWait;
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
            var waiting = Task.Delay(missing < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : missing, _timeProvider, cancellationToken);
            _onWait?.Invoke(missing);
            await waiting.ConfigureAwait(false);
        }
    }
}
