using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.X509;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshInterop.Identity.Federation;

/// <summary>
/// Keeps every federation peer's bundle current in a shared <see cref="InMemoryBundleSource"/> (reference 4.7): one
/// loop per peer on the injected clock, polling at the bundle's refresh hint clamped to [1 min, 1 h] with jitter,
/// keeping the last good bundle on failure, refusing sequence regressions, replacing (never adding to) a trust
/// domain's authorities, and refreshing early, rate-limited, when a peer presents an authority nobody knows yet.
/// A failure in one trust domain never blocks the others.
/// </summary>
public sealed partial class FederatedBundleRefresher : IAsyncDisposable
{
    private readonly InMemoryBundleSource _target;
    private readonly FederatedBundleRefresherOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly FrozenDictionary<TrustDomain, Peer> _peers;
    private readonly Counter<long>? _refreshes;
    private readonly Meter? _meter;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="FederatedBundleRefresher"/> class.</summary>
    /// <param name="target">The bundle store the peers' bundles are written to (and the latest endpoint trust read from).</param>
    /// <param name="peers">One endpoint per peer trust domain.</param>
    /// <param name="options">Pacing; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock that drives every loop; <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">Logging; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">Creates the <c>MeshInterop.Identity</c> meter; <see langword="null"/> for no metrics.</param>
    /// <param name="configureHandler">Adjusts each connection handler of the endpoint clients.</param>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> or <paramref name="peers"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An endpoint or the options are invalid, or a trust domain is configured twice.</exception>
    public FederatedBundleRefresher(
        InMemoryBundleSource target,
        IEnumerable<BundleEndpointOptions> peers,
        FederatedBundleRefresherOptions? options = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null,
        Action<SocketsHttpHandler>? configureHandler = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(peers);
        _options = options ?? new FederatedBundleRefresherOptions();
        _options.Validate();
        _target = target;
        _timeProvider = timeProvider ?? TimeProvider.System;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<FederatedBundleRefresher>();
        var clientLogger = loggerFactory.CreateLogger<BundleEndpointClient>();
        var byTrustDomain = new Dictionary<TrustDomain, Peer>();
        foreach (var endpoint in peers)
        {
            ArgumentNullException.ThrowIfNull(endpoint, nameof(peers));
            var client = new BundleEndpointClient(endpoint, target, _timeProvider, clientLogger, configureHandler);
            if (!byTrustDomain.TryAdd(endpoint.TrustDomain, new Peer(client)))
                throw new ArgumentException($"Trust domain '{endpoint.TrustDomain}' has more than one bundle endpoint.", nameof(peers));
        }

        _peers = byTrustDomain.ToFrozenDictionary();
        if (meterFactory is not null)
        {
            _meter = meterFactory.Create(new MeterOptions(IdentityTelemetry.Name));
            _refreshes = _meter.CreateCounter<long>("meshinterop.identity.bundle.refreshes", "{refresh}", "Bundle endpoint retrievals, by trust domain and outcome.");
            _meter.CreateObservableGauge("meshinterop.identity.bundle.age", () => Observe(p => p.LastSuccess is { } at ? (_timeProvider.GetUtcNow() - at).TotalSeconds : double.NaN), "s", "Time since the bundle was last retrieved successfully.");
            _meter.CreateObservableGauge("meshinterop.identity.bundle.sequence", () => Observe(p => p.Sequence is { } s ? (double)s : double.NaN), "{sequence}", "The spiffe_sequence of the stored bundle.");
            _meter.CreateObservableGauge("meshinterop.identity.bundle.authorities", () => Observe(p => p.Authorities), "{authority}", "X.509 authorities in the stored bundle.");
        }
    }

    /// <summary>Occurs after a retrieved bundle was applied (including an unchanged one).</summary>
    public event EventHandler<BundleRefreshEventArgs>? BundleUpdated;

    /// <summary>Occurs when a retrieval failed; the last good bundle stays in use.</summary>
    public event EventHandler<BundleRefreshEventArgs>? BundleRetrievalFailed;

    /// <summary>Occurs when a retrieved bundle had a lower <c>spiffe_sequence</c> than the stored one and was refused.</summary>
    public event EventHandler<BundleRefreshEventArgs>? SequenceRegressed;

    /// <summary>Gets the configured peer trust domains.</summary>
    public IReadOnlyCollection<TrustDomain> TrustDomains => _peers.Keys;

    /// <summary>Starts one refresh loop per peer; each retrieves its bundle at once. Calling it again has no effect.</summary>
    /// <param name="cancellationToken">Not used beyond argument checking; loops stop with <see cref="DisposeAsync"/>.</param>
    /// <returns>A completed task.</returns>
    /// <exception cref="ObjectDisposedException">The refresher was disposed.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        lock (_loops)
        {
            if (_loops.Count > 0)
                return Task.CompletedTask;
            using (ExecutionContext.SuppressFlow())
            {
                foreach (var peer in _peers.Values)
                    _loops.Add(Task.Run(() => RunAsync(peer, _stopping.Token), CancellationToken.None));
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Retrieves one peer's bundle now and applies it, outside its schedule.</summary>
    /// <param name="trustDomain">The peer trust domain.</param>
    /// <param name="cancellationToken">Cancels the retrieval.</param>
    /// <returns><see langword="true"/> when a bundle was retrieved and applied.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is not a configured peer.</exception>
    public Task<bool> RefreshNowAsync(TrustDomain trustDomain, CancellationToken cancellationToken) =>
        RefreshOnceAsync(GetPeer(trustDomain), cancellationToken);

    /// <summary>
    /// Asks for an early refresh of a peer's bundle, for example because one of its workloads presented an unknown
    /// authority after a CA rotation. At most one early refresh per trust domain per
    /// <see cref="FederatedBundleRefresherOptions.EarlyRefreshMinInterval"/>.
    /// </summary>
    /// <param name="trustDomain">The peer trust domain.</param>
    /// <returns><see langword="true"/> when a refresh was scheduled; <see langword="false"/> when rate-limited or not a peer.</returns>
    public bool RequestRefresh(TrustDomain trustDomain)
    {
        if (!_peers.TryGetValue(trustDomain, out var peer))
            return false;
        var now = _timeProvider.GetUtcNow();
        lock (peer)
        {
            if (peer.LastEarlyRefresh is { } last && now - last < _options.EarlyRefreshMinInterval)
                return false;
            peer.LastEarlyRefresh = now;
            peer.Wake.TrySetResult();
        }

        Log.EarlyRefreshRequested(_logger, trustDomain.Name);
        return true;
    }

    /// <summary>Refreshes a peer early whenever <paramref name="validator"/> meets an authority its bundle lacks.</summary>
    /// <param name="validator">The validator to watch.</param>
    /// <returns>A subscription; dispose it to stop watching.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="validator"/> is <see langword="null"/>.</exception>
    public IDisposable WatchForUnknownAuthorities(X509SvidValidator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        EventHandler<UnknownAuthorityEventArgs> handler = (_, e) => RequestRefresh(e.TrustDomain);
        validator.UnknownAuthority += handler;
        return new Subscription(() => validator.UnknownAuthority -= handler);
    }

    /// <summary>Gets the refresh state of one peer: provenance, failures and schedule.</summary>
    /// <param name="trustDomain">The peer trust domain.</param>
    /// <returns>A snapshot of the peer's state.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is not a configured peer.</exception>
    public BundleRefreshStatus GetStatus(TrustDomain trustDomain)
    {
        var peer = GetPeer(trustDomain);
        lock (peer)
            return new BundleRefreshStatus(trustDomain, peer.Client.Options.Url!, peer.Client.Options.Profile!.Value, peer.LastSuccess, peer.Sequence, peer.ConsecutiveFailures, peer.NextRefresh);
    }

    /// <summary>Stops every loop and waits for them.</summary>
    /// <returns>A task that completes when all loops have stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        // Idempotent: a host stops it and its container disposes it.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] loops;
        lock (_loops)
            loops = [.. _loops];
        await Task.WhenAll(loops).ConfigureAwait(false);
        _meter?.Dispose();
        _stopping.Dispose();
    }

    private async Task RunAsync(Peer peer, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            DateTimeOffset scheduled;
            lock (peer)
                scheduled = peer.NextRefresh;
            try
            {
                await RefreshOnceAsync(peer, stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                // A throwing event handler (or a bug) must not end this peer's refreshes for the life of the process.
                // Events are raised after the next due time is set, so keep that one when it was.
                Log.RefreshLoopError(_logger, ex, peer.Client.Options.TrustDomain.Name);
                lock (peer)
                {
                    if (peer.NextRefresh == scheduled)
                        peer.NextRefresh = _timeProvider.GetUtcNow() + Jittered(peer.Interval);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Task wake;
            DateTimeOffset due;
            lock (peer)
            {
                due = peer.NextRefresh;
                wake = peer.Wake.Task;
            }

            // The due time was fixed before any event was raised, so a clock that moved since is never missed.
            var delay = due - _timeProvider.GetUtcNow();
            if (delay > TimeSpan.Zero && !wake.IsCompleted)
            {
                using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                var timer = Task.Delay(delay, _timeProvider, cancelDelay.Token);
                await Task.WhenAny(timer, wake).ConfigureAwait(false);
                await cancelDelay.CancelAsync().ConfigureAwait(false);
            }

            lock (peer)
            {
                if (peer.Wake.Task.IsCompleted)
                    peer.Wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private async Task<bool> RefreshOnceAsync(Peer peer, CancellationToken cancellationToken)
    {
        var options = peer.Client.Options;
        var trustDomain = options.TrustDomain;
        using var activity = IdentityTelemetry.Source.StartActivity("MeshInterop.Identity.RefreshBundle");
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("meshinterop.trust_domain", trustDomain.Name);
            activity.SetTag("url.full", options.Url!.ToString());
        }

        SpiffeBundle bundle;
        try
        {
            bundle = await peer.Client.FetchAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (BundleEndpointException ex)
        {
            int failures;
            var now = _timeProvider.GetUtcNow();
            lock (peer)
            {
                failures = ++peer.ConsecutiveFailures;

                // Retry at the next polling interval, not aggressively (reference 4.7).
                peer.NextRefresh = now + Jittered(peer.Interval);
            }

            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.SetTag("error.type", ex.Failure.ToString());
            _refreshes?.Add(1, new(IdentityTelemetry.TrustDomainTag, trustDomain.Name), new(IdentityTelemetry.OutcomeTag, "failed"));
            Log.KeepingLastGoodBundle(_logger, trustDomain.Name, failures);
            BundleRetrievalFailed?.Invoke(this, new BundleRefreshEventArgs(trustDomain, options.Url!, options.Profile!.Value, now, null, null, ex, failures));
            return false;
        }

        var retrievedAt = _timeProvider.GetUtcNow();
        ulong? regressedFrom = null;
        lock (peer)
        {
            peer.ConsecutiveFailures = 0;
            peer.LastSuccess = retrievedAt;
            peer.Interval = Clamp(bundle.RefreshHint);
            peer.NextRefresh = retrievedAt + Jittered(peer.Interval);
            if (bundle.SequenceNumber is { } incoming && peer.Sequence is { } stored && incoming < stored && !_options.AcceptSequenceRegression)
                regressedFrom = stored;
        }

        var args = new BundleRefreshEventArgs(trustDomain, options.Url!, options.Profile!.Value, retrievedAt, bundle, regressedFrom, null, 0);
        if (regressedFrom is not null)
        {
            _refreshes?.Add(1, new(IdentityTelemetry.TrustDomainTag, trustDomain.Name), new(IdentityTelemetry.OutcomeTag, "regressed"));
            Log.SequenceRegressed(_logger, trustDomain.Name, bundle.SequenceNumber!.Value, regressedFrom.Value);
            SequenceRegressed?.Invoke(this, args);
            return false;
        }

        var before = _target.Current;
        var hadBundle = before.TryGetGeneration(trustDomain, out var generationBefore);
        var after = _target.Set(bundle);   // replace, never add: removed authorities stop being trusted at once

        // Per trust domain: other peers may publish concurrently and move the global generation.
        var changed = !hadBundle || !after.TryGetGeneration(trustDomain, out var generationAfter) || generationAfter != generationBefore;
        lock (peer)
        {
            // Accepted, but a publisher that changes content without bumping the sequence breaks F-4 freshness checks.
            if (changed && hadBundle && bundle.SequenceNumber is { } seq && peer.Sequence == seq)
                Log.ContentChangedWithoutSequence(_logger, trustDomain.Name, seq);
            peer.Sequence = bundle.SequenceNumber ?? peer.Sequence;
            peer.Authorities = bundle.X509Bundle.Authorities.Count;
        }

        _refreshes?.Add(1, new(IdentityTelemetry.TrustDomainTag, trustDomain.Name), new(IdentityTelemetry.OutcomeTag, changed ? "updated" : "unchanged"));
        if (changed)
            Log.BundleApplied(_logger, trustDomain.Name, bundle.X509Bundle.Authorities.Count, after.Generation);
        BundleUpdated?.Invoke(this, args);
        return true;
    }

    private TimeSpan Clamp(TimeSpan? hint)
    {
        if (hint is not { } value || value <= TimeSpan.Zero)
            return _options.DefaultRefreshInterval;
        return value < _options.MinRefreshInterval ? _options.MinRefreshInterval
            : value > _options.MaxRefreshInterval ? _options.MaxRefreshInterval
            : value;
    }

    private TimeSpan Jittered(TimeSpan interval)
    {
        // Jitter only spreads load; it needs no cryptographic randomness.
#pragma warning disable CA5394
        var factor = 1 + (((Random.Shared.NextDouble() * 2) - 1) * _options.Jitter);
#pragma warning restore CA5394
        return TimeSpan.FromTicks((long)(interval.Ticks * factor));
    }

    private Peer GetPeer(TrustDomain trustDomain) =>
        _peers.TryGetValue(trustDomain, out var peer) ? peer : throw new ArgumentException($"Trust domain '{trustDomain}' has no configured bundle endpoint.", nameof(trustDomain));

    private IEnumerable<Measurement<double>> Observe(Func<Peer, double> value)
    {
        foreach (var (trustDomain, peer) in _peers)
        {
            double measured;
            lock (peer)
                measured = value(peer);
            if (!double.IsNaN(measured))
                yield return new Measurement<double>(measured, new KeyValuePair<string, object?>(IdentityTelemetry.TrustDomainTag, trustDomain.Name));
        }
    }

    private sealed class Peer(BundleEndpointClient client)
    {
        public BundleEndpointClient Client { get; } = client;

        public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

        public DateTimeOffset NextRefresh { get; set; }

        public DateTimeOffset? LastSuccess { get; set; }

        public DateTimeOffset? LastEarlyRefresh { get; set; }

        public ulong? Sequence { get; set; }

        public int Authorities { get; set; }

        public int ConsecutiveFailures { get; set; }

        public TaskCompletionSource Wake { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }

    private static partial class Log
    {
        [LoggerMessage(2210, LogLevel.Information, "Applied the bundle of '{TrustDomain}': {Authorities} X.509 authorities, bundle set generation {Generation}.", EventName = nameof(BundleApplied))]
        public static partial void BundleApplied(ILogger logger, string trustDomain, int authorities, long generation);

        [LoggerMessage(2211, LogLevel.Warning, "Keeping the last good bundle of '{TrustDomain}' after {ConsecutiveFailures} failed retrievals in a row.", EventName = nameof(KeepingLastGoodBundle))]
        public static partial void KeepingLastGoodBundle(ILogger logger, string trustDomain, int consecutiveFailures);

        [LoggerMessage(2212, LogLevel.Warning, "The bundle endpoint of '{TrustDomain}' served sequence {Sequence}, below the stored {StoredSequence}; keeping the stored bundle.", EventName = nameof(SequenceRegressed))]
        public static partial void SequenceRegressed(ILogger logger, string trustDomain, ulong sequence, ulong storedSequence);

        [LoggerMessage(2213, LogLevel.Warning, "The bundle of '{TrustDomain}' changed but kept sequence {Sequence}; applied anyway.", EventName = nameof(ContentChangedWithoutSequence))]
        public static partial void ContentChangedWithoutSequence(ILogger logger, string trustDomain, ulong sequence);

        [LoggerMessage(2215, LogLevel.Error, "Refreshing the bundle of '{TrustDomain}' failed unexpectedly; the next refresh runs on schedule.", EventName = nameof(RefreshLoopError))]
        public static partial void RefreshLoopError(ILogger logger, Exception exception, string trustDomain);

        [LoggerMessage(2214, LogLevel.Information, "Refreshing the bundle of '{TrustDomain}' early: a peer presented an unknown authority.", EventName = nameof(EarlyRefreshRequested))]
        public static partial void EarlyRefreshRequested(ILogger logger, string trustDomain);
    }
}
