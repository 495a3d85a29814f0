using System.Diagnostics.Metrics;
using MeshInterop.Catalog.Import;
using MeshInterop.Catalog.Resync.Internal;

namespace MeshInterop.Catalog.Resync;

/// <summary>
/// Per-peer resync bookkeeping over an <see cref="ImportView"/>. Each (re)connection begins a resync; the
/// owner's snapshot replays as upserts; when it is complete (the announced size reached, or
/// <see cref="ImportSessionOptions.SnapshotGracePeriod"/> passed with no news) the imports of that peer that the
/// resync did not assert are swept. A stream that ends first leaves everything in place: there is never a sweep
/// after a partial or failed read. Imports of a disconnected peer are kept for
/// <see cref="ImportSessionOptions.DisconnectedTtl"/>; removing the peer purges them.
/// <para/>
/// Every change to the view, whether caused by a call or by a timer, is handed to the publish callback in the
/// order it happened, under this object's lock: apply changes there (for example to the catalog store). The
/// callback must not call back into this object from another thread and wait for it, and should not throw: an
/// exception from a call-driven publish reaches the caller, and one from a timer-driven publish is kept in
/// <see cref="PublishFailure"/> (the target may then lag the view; republish <see cref="ImportView.GetEntries"/>).
/// </summary>
public sealed class ImportSessions : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ImportView _view;
    private readonly TimeSpan _gracePeriod;
    private readonly TimeSpan? _disconnectedTtl;
    private readonly int _maxImportsPerPeer;
    private readonly TimeProvider _timeProvider;
    private readonly Action<ImportViewChanges> _publish;
    private readonly Dictionary<string, PeerSession> _sessions = new(StringComparer.Ordinal);
    private readonly ImportSessionMetrics? _metrics;
    private bool _disposed;

    /// <summary>Initializes the bookkeeping for every peer of <paramref name="view"/>.</summary>
    /// <param name="view">The import view the sessions feed.</param>
    /// <param name="options">Grace period and disconnected TTL; copied, later changes have no effect.</param>
    /// <param name="timeProvider">The clock that drives grace periods and expiry.</param>
    /// <param name="publish">Receives every non-empty change to the view, in order.</param>
    /// <param name="meterFactory">Creates the <see cref="ImportTelemetry.MeterName"/> meter; <see langword="null"/> records no metrics.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="meterFactory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message names every problem.</exception>
    public ImportSessions(ImportView view, ImportSessionOptions options, TimeProvider timeProvider, Action<ImportViewChanges> publish, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(publish);
        var errors = new List<string>();
        if (options.SnapshotGracePeriod <= TimeSpan.Zero)
            errors.Add($"SnapshotGracePeriod: {options.SnapshotGracePeriod} must be positive.");
        if (options.MaxImportsPerPeer <= 0)
            errors.Add($"MaxImportsPerPeer: {options.MaxImportsPerPeer} must be positive.");
        if (options.DisconnectedTtl < TimeSpan.Zero)
            errors.Add($"DisconnectedTtl: {options.DisconnectedTtl} must not be negative; use null to keep imports forever.");
        if (errors.Count > 0)
            throw new ArgumentException("Invalid import session options: " + string.Join(" ", errors), nameof(options));
        _view = view;
        _gracePeriod = options.SnapshotGracePeriod;
        _maxImportsPerPeer = options.MaxImportsPerPeer;
        _disconnectedTtl = options.DisconnectedTtl is { } ttl && ttl > TimeSpan.Zero ? ttl : null;
        _timeProvider = timeProvider;
        _publish = publish;
        _metrics = meterFactory is null ? null : new ImportSessionMetrics(meterFactory, view);
    }

    /// <summary>Gets the exception the publish callback threw during a timer-driven sweep or expiry, if any.</summary>
    /// <value><see langword="null"/> until such a failure happens.</value>
    public Exception? PublishFailure { get; private set; }

    /// <summary>Gets where the session of <paramref name="peer"/> stands.</summary>
    /// <param name="peer">The peer.</param>
    /// <returns>The state; <see cref="ImportSessionState.None"/> for an unknown peer.</returns>
    public ImportSessionState GetState(string peer)
    {
        lock (_gate)
            return peer is not null && _sessions.TryGetValue(peer, out var session) ? session.State : ImportSessionState.None;
    }

    /// <summary>
    /// Starts a resync because a stream to <paramref name="peer"/> is (re)established: cancels a pending expiry,
    /// abandons an unfinished resync without sweeping, and starts counting the snapshot.
    /// </summary>
    /// <param name="peer">The peer.</param>
    /// <param name="announcedCount">
    /// The snapshot size the owner announced (<c>x-meshinterop-snapshot-count</c>): the resync completes after that
    /// many snapshot items, and no grace timer runs. <see langword="null"/> or negative: complete after the grace period.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty.</exception>
    /// <exception cref="ObjectDisposedException">The object is disposed.</exception>
    public void BeginResync(string peer, long? announcedCount = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_sessions.TryGetValue(peer, out var session))
                _sessions[peer] = session = new PeerSession(peer);
            if (session.State == ImportSessionState.Resyncing)
                _metrics?.ResyncEnded(peer, ImportSessionMetrics.Abandoned, 0);
            session.StopTimers();
            session.Generation++;
            session.State = ImportSessionState.Resyncing;
            session.Asserted = [];
            session.Announced = announcedCount >= 0 ? announcedCount : null;
            session.Received = 0;
            if (session.Announced == 0)
                Publish(Sweep(session, ImportSessionMetrics.Announced));
            else if (session.Announced is null)
                ArmGraceTimer(session);
        }
    }

    /// <summary>Applies an upsert (CREATE, UPDATE or UPSERT) from <paramref name="peer"/>; during a resync it asserts the key.</summary>
    /// <param name="peer">The peer.</param>
    /// <param name="entry">The entry as the peer sent it (already validated).</param>
    /// <returns>
    /// <see langword="true"/> when applied; <see langword="false"/> when the entry is a new key and the peer already
    /// holds <see cref="ImportSessionOptions.MaxImportsPerPeer"/> imports: nothing changed, and the item should be NACKed.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty, or the entry's key is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No stream is open for the peer: call <see cref="BeginResync"/> first.</exception>
    /// <exception cref="ObjectDisposedException">The object is disposed.</exception>
    public bool Upsert(string peer, CatalogEntry entry)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            var session = Open(peer);
            if (_view.CountPeer(peer, entry.Key, out var holdsKey) >= _maxImportsPerPeer && !holdsKey)
                return false;
            Publish(_view.Upsert(peer, entry));
            Asserted(session, entry.Key);
            return true;
        }
    }

    /// <summary>
    /// Counts a snapshot item that was received but not applied (for example NACKed) as asserted, so the sweep keeps
    /// the previous version of that key.
    /// </summary>
    /// <param name="peer">The peer.</param>
    /// <param name="key">The key of the item at that peer.</param>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">No stream is open for the peer: call <see cref="BeginResync"/> first.</exception>
    /// <exception cref="ObjectDisposedException">The object is disposed.</exception>
    public void MarkAsserted(string peer, ServiceKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        lock (_gate)
            Asserted(Open(peer), key);
    }

    /// <summary>Applies a DELETE from <paramref name="peer"/>; deleting an unknown key changes nothing.</summary>
    /// <param name="peer">The peer.</param>
    /// <param name="key">The key at that peer.</param>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">No stream is open for the peer: call <see cref="BeginResync"/> first.</exception>
    /// <exception cref="ObjectDisposedException">The object is disposed.</exception>
    public void Delete(string peer, ServiceKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        lock (_gate)
        {
            var session = Open(peer);
            session.Asserted?.Remove(key);
            if (session.State == ImportSessionState.Resyncing && session.Announced is null)
                ArmGraceTimer(session);
            Publish(_view.Remove(peer, key));
        }
    }

    /// <summary>
    /// Records that the stream to <paramref name="peer"/> ended, cleanly or not. An unfinished resync is abandoned
    /// without a sweep; the imports stay, and expire after the disconnected TTL if one is set.
    /// </summary>
    /// <param name="peer">The peer.</param>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty.</exception>
    /// <exception cref="ObjectDisposedException">The object is disposed.</exception>
    public void Disconnected(string peer)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_sessions.TryGetValue(peer, out var session))
                _sessions[peer] = session = new PeerSession(peer);
            if (session.State == ImportSessionState.Disconnected)
                return;
            if (session.State == ImportSessionState.Resyncing)
                _metrics?.ResyncEnded(peer, ImportSessionMetrics.Abandoned, 0);
            session.StopTimers();
            session.Generation++;
            session.State = ImportSessionState.Disconnected;
            session.Asserted = null;
            if (_disconnectedTtl is { } ttl)
            {
                var generation = session.Generation;
                session.ExpiryTimer = _timeProvider.CreateTimer(_ => Expire(session, generation), null, ttl, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Removes <paramref name="peer"/> (unpeering): stops its session and purges all its imports.</summary>
    /// <param name="peer">The peer.</param>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty.</exception>
    /// <exception cref="ObjectDisposedException">The object is disposed.</exception>
    public void RemovePeer(string peer)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_sessions.Remove(peer, out var session))
                session.StopTimers();
            Publish(_view.RemovePeer(peer));
        }
    }

    /// <summary>Stops every timer. Imports stay in the view.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var session in _sessions.Values)
                session.StopTimers();
        }
    }

    private PeerSession Open(string peer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _sessions.TryGetValue(peer, out var session) && session.State is ImportSessionState.Resyncing or ImportSessionState.Synced
            ? session
            : throw new InvalidOperationException($"Peer '{peer}' has no open stream; call BeginResync when the stream is established, before applying its messages.");
    }

    private void Asserted(PeerSession session, ServiceKey key)
    {
        if (session.State != ImportSessionState.Resyncing)
            return;
        session.Asserted!.Add(key);
        session.Received++;
        if (session.Announced is null)
            ArmGraceTimer(session);
        else if (session.Received >= session.Announced)
            Publish(Sweep(session, ImportSessionMetrics.Announced));
    }

    // Each message from the peer is news: the grace period restarts from it.
    private void ArmGraceTimer(PeerSession session)
    {
        if (session.GraceTimer is { } timer)
        {
            timer.Change(_gracePeriod, Timeout.InfiniteTimeSpan);
            return;
        }

        var generation = session.Generation;
        session.GraceTimer = _timeProvider.CreateTimer(_ => GraceElapsed(session, generation), null, _gracePeriod, Timeout.InfiniteTimeSpan);
    }

    private void GraceElapsed(PeerSession session, long generation)
    {
        lock (_gate)
        {
            if (_disposed || session.Generation != generation || session.State != ImportSessionState.Resyncing)
                return;
            PublishFromTimer(Sweep(session, ImportSessionMetrics.GracePeriod));
        }
    }

    private void Expire(PeerSession session, long generation)
    {
        lock (_gate)
        {
            if (_disposed || session.Generation != generation || session.State != ImportSessionState.Disconnected)
                return;
            session.StopTimers();
            _sessions.Remove(session.Peer);
            _metrics?.Expired(session.Peer, _view.GetPeerKeys(session.Peer).Count);
            PublishFromTimer(_view.RemovePeer(session.Peer));
        }
    }

    /// <summary>Completes the resync: removes exactly the imports of the peer that it did not assert.</summary>
    private ImportViewChanges Sweep(PeerSession session, string outcome)
    {
        var asserted = session.Asserted!;
        session.Asserted = null;
        session.State = ImportSessionState.Synced;
        session.GraceTimer?.Dispose();
        session.GraceTimer = null;
        var stale = _view.GetPeerKeys(session.Peer).Where(k => !asserted.Contains(k)).ToArray();
        _metrics?.ResyncEnded(session.Peer, outcome, stale.Length);
        return stale.Length == 0 ? ImportViewChanges.None : _view.RemoveRange(session.Peer, stale);
    }

    // A timer thread has no caller to report to, and an exception escaping it would end the process.
    private void PublishFromTimer(ImportViewChanges changes)
    {
        try
        {
            Publish(changes);
        }
        catch (Exception ex)
        {
            PublishFailure ??= ex;
        }
    }

    private void Publish(ImportViewChanges changes)
    {
        if (!changes.IsEmpty)
            _publish(changes);
    }
}
