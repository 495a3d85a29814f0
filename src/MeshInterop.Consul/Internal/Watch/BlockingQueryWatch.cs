using System.Runtime.CompilerServices;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Telemetry;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Internal.Watch;

/// <summary>One answer of a watch that differs from the previous one (or a resynchronisation after an index reset).</summary>
/// <param name="Value">The decoded body.</param>
/// <param name="Meta">The headers of the answer.</param>
/// <param name="Index">The index the watch now blocks on (at least 1, or 0 right after a reset).</param>
/// <param name="IsResync">True when the index went backwards: treat the value as a full resynchronisation.</param>
/// <param name="ConfirmedByLeader">True when a stale answer that removed data was confirmed by a default-mode (leader) read.</param>
internal sealed record WatchUpdate<T>(T Value, QueryMeta Meta, ulong Index, bool IsResync, bool ConfirmedByLeader)
{
    /// <summary>Gets a value indicating whether ACLs hid part of the result: a partial view must never drive a deletion.</summary>
    public bool IsPartial => Meta.ResultsFilteredByAcls;
}

/// <summary>
/// A Consul blocking-query loop that follows every rule of the reference (§6, §7): it resets the index when it goes
/// backwards, keeps it at least 1, caps <c>wait</c> and bounds each request by <c>wait + wait/16 + margin</c>, paces
/// itself with a token bucket, backs off with jitter on errors, compares content so that spurious wake-ups produce
/// nothing, reads stale by default, and confirms with the leader any answer that removes data before emitting it.
/// </summary>
/// <typeparam name="T">The decoded body.</typeparam>
internal sealed partial class BlockingQueryWatch<T>
{
    private readonly string _kind;
    private readonly string _target;
    private readonly Func<ConsulQuery, CancellationToken, Task<QueryResult<T>>> _fetch;
    private readonly ConsulQuery _query;
    private readonly Func<T, T, bool>? _isRemoval;
    private readonly ConsulClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConsulMetrics _metrics;
    private readonly ILogger _logger;

    /// <param name="kind">A bounded name for metrics, such as <c>health-service</c>.</param>
    /// <param name="target">What is watched, for logs (a service name, a config entry).</param>
    /// <param name="fetch">Performs one read with the given query; the watch sets the index, wait and consistency.</param>
    /// <param name="query">The base query; its consistency is <see cref="ConsulConsistency.Stale"/> unless the caller chose otherwise.</param>
    /// <param name="isRemoval">Says whether going from the first value to the second removes data; such answers from a stale read are confirmed with the leader.</param>
    /// <param name="options">Wait, deadline, pacing and back-off settings.</param>
    /// <param name="timeProvider">The clock for pacing, back-off and deadlines.</param>
    /// <param name="metrics">The package's instruments.</param>
    /// <param name="logger">The logger.</param>
    public BlockingQueryWatch(string kind, string target, Func<ConsulQuery, CancellationToken, Task<QueryResult<T>>> fetch, ConsulQuery query,
        Func<T, T, bool>? isRemoval, ConsulClientOptions options, TimeProvider timeProvider, ConsulMetrics metrics, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _kind = kind;
        _target = target;
        _fetch = fetch;
        _query = query;
        _isRemoval = isRemoval;
        _options = options;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Creates a watch that reads stale, as the export feed should.</summary>
    public static BlockingQueryWatch<T> Stale(string kind, string target, Func<ConsulQuery, CancellationToken, Task<QueryResult<T>>> fetch,
        Func<T, T, bool>? isRemoval, ConsulClientOptions options, TimeProvider timeProvider, ConsulMetrics metrics, ILogger logger) =>
        new(kind, target, fetch, new ConsulQuery { Consistency = ConsulConsistency.Stale }, isRemoval, options, timeProvider, metrics, logger);

    /// <summary>
    /// Runs the loop until <paramref name="cancellationToken"/> is cancelled, yielding only answers whose content changed.
    /// Errors of class <see cref="ConsulRetryClass.Bug"/> and edition mismatches end the enumeration with the exception;
    /// every other error is retried (access denials slowly).
    /// </summary>
    public async IAsyncEnumerable<WatchUpdate<T>> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pacer = new WatchPacer(_options.WatchRateInterval, burst: 2, _timeProvider,
            wait => Log.WatchPaced(_logger, _kind, _target, (long)wait.TotalMilliseconds));
        var wait = _options.BlockingWait > ConsulHttpClient.MaxWait ? ConsulHttpClient.MaxWait : _options.BlockingWait;
        ulong index = 0;
        string? lastHash = null;
        var hasLast = false;
        T last = default!;
        var failures = 0;
        var lagging = false;
        _metrics.WatchStarted(_kind);
        Log.WatchStarted(_logger, _kind, _target);
        try
        {
            while (true)
            {
                await pacer.TakeAsync(cancellationToken).ConfigureAwait(false);
                var attempt = await TryFetchAsync(_query with { Index = index, Wait = wait }, failures, cancellationToken).ConfigureAwait(false);
                if (attempt.Result is not { } result)
                {
                    failures++;
                    continue;
                }

                failures = 0;
                var reset = false;
                var previousIndex = index;
                var returned = result.Meta.LastIndex;
                if (returned < index)
                {
                    // A snapshot restore, a list that lost its highest item, or new index granularity: block from scratch.
                    reset = true;
                    Log.IndexWentBackwards(_logger, _kind, _target, index, returned);
                    _metrics.IndexReset(_kind);
                    index = 0;
                }
                else
                {
                    if (returned == 0)
                    {
                        Log.ZeroIndexClamped(_logger, _kind, _target);
                    }

                    // index=0 never blocks: storing 0 would turn the loop into a busy poll.
                    index = Math.Max(returned, 1);
                }

                var lastContact = result.Meta.LastContact ?? TimeSpan.Zero;
                var nowLagging = result.Meta.KnownLeader == false || lastContact > _options.StaleWarningThreshold;
                if (nowLagging && !lagging)
                {
                    Log.StaleReadLagging(_logger, _kind, _target, result.Meta.KnownLeader ?? true, (long)lastContact.TotalMilliseconds);
                }

                lagging = nowLagging;
                var changed = reset || !string.Equals(lastHash, result.BodyHash, StringComparison.Ordinal);
                _metrics.WatchWakeup(_kind, changed);
                if (!changed)
                {
                    continue;
                }

                var confirmed = false;
                if (hasLast && _isRemoval is not null && _query.Consistency == ConsulConsistency.Stale && _isRemoval(last, result.Value))
                {
                    // Stale data may lag the leader: a deletion is acted on only after a default-mode read confirms it.
                    var leader = await TryFetchAsync(_query with { Index = 0, Wait = null, Consistency = ConsulConsistency.Default }, failures, cancellationToken).ConfigureAwait(false);
                    if (leader.Result is not { } leaderResult)
                    {
                        Log.RemovalNotConfirmed(_logger, _kind, _target);
                        failures++;

                        // Keep blocking on the old index so the next read returns the unconfirmed change at once and is checked again.
                        index = reset ? 0 : previousIndex;
                        continue;
                    }

                    result = leaderResult;
                    confirmed = true;
                    if (string.Equals(lastHash, result.BodyHash, StringComparison.Ordinal) && !reset)
                    {
                        continue;
                    }
                }

                lastHash = result.BodyHash;
                last = result.Value;
                hasLast = true;
                yield return new WatchUpdate<T>(result.Value, result.Meta, index, reset, confirmed);
            }
        }
        finally
        {
            _metrics.WatchStopped(_kind);
            Log.WatchStopped(_logger, _kind, _target);
        }
    }

    private readonly record struct Attempt(QueryResult<T>? Result);

    /// <summary>Performs one read; on a retryable failure waits out the back-off and returns no result, otherwise rethrows.</summary>
    private async Task<Attempt> TryFetchAsync(ConsulQuery query, int failures, CancellationToken cancellationToken)
    {
        ConsulException error;
        try
        {
            return new Attempt(await _fetch(query, cancellationToken).ConfigureAwait(false));
        }
        catch (ConsulException ex) when (!cancellationToken.IsCancellationRequested)
        {
            error = ex;
        }

        if (error.RetryClass == ConsulRetryClass.Bug || error is ConsulEditionMismatchException)
        {
            Log.WatchFailed(_logger, error, _kind, _target);
            throw error;
        }

        var delay = RetryDelay(error.RetryClass, failures);

        // The timer starts before the log line, so whoever reacts to the log (a test advancing a fake clock) cannot miss it.
        var waiting = delay > TimeSpan.Zero ? Task.Delay(delay, _timeProvider, cancellationToken) : Task.CompletedTask;
        Log.WatchRetrying(_logger, _kind, _target, error.GetType().Name, error.StatusCode ?? 0, (long)delay.TotalMilliseconds);
        await waiting.ConfigureAwait(false);
        return default;
    }

    /// <summary>
    /// A 429 is retried at once the first time (another server may answer; the pacer still applies), then backs off.
    /// Access denials wait the longest delay: the token may be rotated, but never in a tight loop.
    /// Back-off is exponential with "equal jitter": between half and all of <c>base * 2^failures</c>, capped.
    /// </summary>
    internal TimeSpan RetryDelay(ConsulRetryClass retryClass, int failures)
    {
        if (retryClass == ConsulRetryClass.RetryElsewhere && failures == 0)
        {
            return TimeSpan.Zero;
        }

        if (retryClass == ConsulRetryClass.StopAndAlert)
        {
            return _options.RetryMaxDelay;
        }

        var ceiling = MaxBackOff(failures);
        var half = ceiling / 2;
        return half + (half * Random.Shared.NextDouble());
    }

    /// <summary>The upper bound of the back-off after <paramref name="failures"/> earlier consecutive failures.</summary>
    internal TimeSpan MaxBackOff(int failures)
    {
        var exponent = Math.Min(failures, 20);
        var ceiling = _options.RetryBaseDelay * Math.Pow(2, exponent);
        return ceiling > _options.RetryMaxDelay ? _options.RetryMaxDelay : ceiling;
    }
}
