namespace MeshInterop.Protocol.Internal;

/// <summary>The operation an owner sends for one resource, before it is mapped to an envelope's enum.</summary>
internal enum OwnerOperation
{
    Create,
    Update,
    Delete,
}

/// <summary>One response an owner is about to send.</summary>
internal readonly record struct OwnerEvent<TResource>(string Key, OwnerOperation Operation, TResource Resource, bool IsSnapshot);

/// <summary>
/// What one subscriber still has to receive (G7, G13). The initial snapshot goes first, item by item and
/// never coalesced, so the snapshot-count extension can promise that the first N responses are exactly
/// the snapshot. Changes queue behind it, coalesced per key (the latest state wins), so a slow or stalled
/// subscriber holds at most one pending item per service and never loses the latest state, while other
/// subscribers, with queues of their own, are never held up. CREATE goes out for a key the subscriber
/// does not have, UPDATE for one it has, and DELETE only for keys it was sent.
/// </summary>
/// <remarks>Thread-safe: the catalog feed enqueues while the stream's send loop dequeues.</remarks>
internal sealed class SubscriberQueue<TResource>
    where TResource : class
{
    private readonly Lock _gate = new();
    private readonly IEqualityComparer<TResource> _contentComparer;
    private readonly Queue<KeyValuePair<string, TResource>> _snapshot = new();
    private readonly LinkedList<string> _pendingOrder = new();
    private readonly Dictionary<string, PendingChange> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TResource> _sent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TResource> _rejected = new(StringComparer.Ordinal);
    private TaskCompletionSource _available = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SubscriberQueue(IEqualityComparer<TResource>? contentComparer = null) =>
        _contentComparer = contentComparer ?? EqualityComparer<TResource>.Default;

    /// <summary>Gets how many responses are waiting: snapshot items plus coalesced changes.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _snapshot.Count + _pending.Count;
            }
        }
    }

    /// <summary>Queues the initial snapshot; must be called before any change is queued.</summary>
    /// <returns>How many snapshot items were queued.</returns>
    public int EnqueueSnapshot(IEnumerable<KeyValuePair<string, TResource>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        lock (_gate)
        {
            if (_snapshot.Count > 0 || _pending.Count > 0 || _sent.Count > 0)
            {
                throw new InvalidOperationException("The snapshot must be queued before anything else.");
            }

            foreach (var item in items)
            {
                _snapshot.Enqueue(item);
            }

            Signal();
            return _snapshot.Count;
        }
    }

    public void EnqueueUpsert(string key, TResource resource) => Enqueue(key, resource, isDelete: false);

    /// <param name="key">The deleted resource's key.</param>
    /// <param name="lastKnown">The last known full object, which v1alpha1 DELETEs carry (G8).</param>
    public void EnqueueDelete(string key, TResource lastKnown) => Enqueue(key, lastKnown, isDelete: true);

    /// <summary>Records that the subscriber NACKed this content, so it is not sent again until it changes (G4).</summary>
    public void MarkRejected(string key, TResource content)
    {
        lock (_gate)
        {
            _rejected[key] = content;
        }
    }

    public bool TryDequeue(out OwnerEvent<TResource> next)
    {
        lock (_gate)
        {
            if (_snapshot.TryDequeue(out var item))
            {
                var operation = _sent.ContainsKey(item.Key) ? OwnerOperation.Update : OwnerOperation.Create;
                _sent[item.Key] = item.Value;
                next = new OwnerEvent<TResource>(item.Key, operation, item.Value, IsSnapshot: true);
                return true;
            }

            while (_pendingOrder.First is { } first)
            {
                _pendingOrder.RemoveFirst();
                var change = _pending[first.Value];
                _pending.Remove(first.Value);
                if (TryTakeChange(first.Value, change, out next))
                {
                    return true;
                }
            }

            next = default;
            return false;
        }
    }

    /// <summary>Completes when something may be ready to dequeue.</summary>
    public Task WaitForItemsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_snapshot.Count > 0 || _pending.Count > 0)
            {
                return Task.CompletedTask;
            }

            if (_available.Task.IsCompleted)
            {
                _available = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _available.Task.WaitAsync(cancellationToken);
        }
    }

    private void Enqueue(string key, TResource resource, bool isDelete)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(resource);
        lock (_gate)
        {
            if (_pending.TryGetValue(key, out var existing))
            {
                // Coalesce in place: the key keeps its position, so per-key order is preserved.
                _pending[key] = existing with { Resource = resource, IsDelete = isDelete };
            }
            else
            {
                _pending[key] = new PendingChange(resource, isDelete);
                _pendingOrder.AddLast(key);
            }

            Signal();
        }
    }

    private bool TryTakeChange(string key, PendingChange change, out OwnerEvent<TResource> next)
    {
        var subscriberHasKey = _sent.TryGetValue(key, out var sentContent);
        if (change.IsDelete)
        {
            _rejected.Remove(key);
            if (subscriberHasKey)
            {
                _sent.Remove(key);
                next = new OwnerEvent<TResource>(key, OwnerOperation.Delete, change.Resource, IsSnapshot: false);
                return true;
            }

            // Never sent: a create and delete that coalesced, or a delete of something invisible to it.
            next = default;
            return false;
        }

        var unchanged = subscriberHasKey && _contentComparer.Equals(sentContent!, change.Resource);
        var rejectedBefore = _rejected.TryGetValue(key, out var rejected) && _contentComparer.Equals(rejected, change.Resource);
        if (unchanged || rejectedBefore)
        {
            next = default;
            return false;
        }

        _rejected.Remove(key);
        _sent[key] = change.Resource;
        next = new OwnerEvent<TResource>(key, subscriberHasKey ? OwnerOperation.Update : OwnerOperation.Create, change.Resource, IsSnapshot: false);
        return true;
    }

    private void Signal() => _available.TrySetResult();

    private readonly record struct PendingChange(TResource Resource, bool IsDelete);
}
