namespace MeshInterop.Identity.Bundles;

/// <summary>
/// A bundle source held in memory: static configuration, tests, or an adapter that receives bundles from
/// elsewhere. Updates are atomic and notify waiters.
/// </summary>
/// <remarks>Thread-safe. Waiters are resumed asynchronously, never on the thread that publishes.</remarks>
public sealed class InMemoryBundleSource : IBundleSource
{
    private readonly Lock _gate = new();
    private BundleSet _current;
    private TaskCompletionSource<BundleSet> _next = NewSignal();

    /// <summary>Initializes a new instance of the <see cref="InMemoryBundleSource"/> class.</summary>
    /// <param name="initial">The first snapshot; <see cref="BundleSet.Empty"/> when <see langword="null"/>.</param>
    public InMemoryBundleSource(BundleSet? initial = null)
    {
        _current = initial ?? BundleSet.Empty;
    }

    /// <inheritdoc/>
    public BundleSet Current => Volatile.Read(ref _current);

    /// <inheritdoc/>
    public async Task<BundleSet> WaitForChangeAsync(long knownGeneration, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<BundleSet> signal;
            lock (_gate)
            {
                if (_current.Generation > knownGeneration)
                {
                    return _current;
                }

                signal = _next.Task;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Applies a change to the current snapshot atomically and publishes the result. The change may run more than
    /// once if other updates race with it, so it must be free of side effects.
    /// </summary>
    /// <param name="change">Derives the new snapshot from the current one, for example with <see cref="BundleSet.With(X509Bundle)"/>.</param>
    /// <returns>The published snapshot; the current one when the change left it as it was.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="change"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The change returned <see langword="null"/> or a snapshot that is not newer than the current one.</exception>
    public BundleSet Update(Func<BundleSet, BundleSet> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        while (true)
        {
            var current = Current;
            var next = change(current) ?? throw new InvalidOperationException("The change returned null.");
            if (ReferenceEquals(next, current))
            {
                return current;
            }

            if (next.Generation <= current.Generation)
            {
                throw new InvalidOperationException(
                    $"The change returned generation {next.Generation}, which is not newer than {current.Generation}; derive the new snapshot from the one passed in.");
            }

            TaskCompletionSource<BundleSet> released;
            lock (_gate)
            {
                if (!ReferenceEquals(_current, current))
                {
                    continue;   // another update won; apply the change again on top of it
                }

                Volatile.Write(ref _current, next);
                released = _next;
                _next = NewSignal();
            }

            released.SetResult(next);
            return next;
        }
    }

    /// <summary>Replaces the X.509 bundle of the bundle's trust domain.</summary>
    /// <param name="bundle">The bundle.</param>
    /// <returns>The published snapshot.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="bundle"/> is <see langword="null"/>.</exception>
    public BundleSet Set(X509Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return Update(set => set.With(bundle));
    }

    /// <summary>Replaces the JWT bundle of the bundle's trust domain.</summary>
    /// <param name="bundle">The bundle.</param>
    /// <returns>The published snapshot.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="bundle"/> is <see langword="null"/>.</exception>
    public BundleSet Set(JwtBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return Update(set => set.With(bundle));
    }

    /// <summary>Replaces both bundles of the document's trust domain.</summary>
    /// <param name="bundle">The bundle document.</param>
    /// <returns>The published snapshot.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="bundle"/> is <see langword="null"/>.</exception>
    public BundleSet Set(SpiffeBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return Update(set => set.With(bundle));
    }

    /// <summary>Removes every bundle of a trust domain, so its SVIDs are no longer trusted.</summary>
    /// <param name="trustDomain">The trust domain.</param>
    /// <returns>The published snapshot.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>.</exception>
    public BundleSet Remove(TrustDomain trustDomain)
    {
        trustDomain.ThrowIfEmpty(nameof(trustDomain));
        return Update(set => set.Without(trustDomain));
    }

    private static TaskCompletionSource<BundleSet> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
