using MeshInterop.Federation.Leadership;

namespace MeshInterop.Consul.Internal.Leadership;

/// <summary>
/// The federation agent's <see cref="ILeaderElector"/> on a Consul session lock (reference §14: one active writer per owner ID).
/// It also remembers the lease this replica holds, so the sink's periodic repair writes only while this replica leads.
/// </summary>
internal sealed class ConsulLeaderElector : ILeaderElector
{
    private readonly ConsulSessionLock _lock;
    private Lease? _current;

    public ConsulLeaderElector(ConsulSessionLock sessionLock)
    {
        ArgumentNullException.ThrowIfNull(sessionLock);
        _lock = sessionLock;
    }

    /// <summary>Gets the lease this replica holds now, or null when it does not lead (or its lease is lost).</summary>
    public ILeadershipLease? Current => Volatile.Read(ref _current) is { Lost.IsCancellationRequested: false } lease ? lease : null;

    public async ValueTask<ILeadershipLease> AcquireAsync(CancellationToken cancellationToken)
    {
        var lease = new Lease(await _lock.AcquireAsync(cancellationToken).ConfigureAwait(false), this);
        Volatile.Write(ref _current, lease);
        return lease;
    }

    private sealed class Lease(ConsulLockLease inner, ConsulLeaderElector owner) : ILeadershipLease
    {
        private readonly CancellationToken _lost = inner.Lost;

        public CancellationToken Lost => _lost;

        public async ValueTask DisposeAsync()
        {
            Interlocked.CompareExchange(ref owner._current, null, this);
            await inner.DisposeAsync().ConfigureAwait(false);
        }
    }
}
