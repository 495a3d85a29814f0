namespace MeshInterop.Protocol.Internal;

/// <summary>The part of the owner's catalog one subscriber may see (its export policy already applied).</summary>
internal interface IOwnerFeed<TResource>
    where TResource : class
{
    /// <summary>
    /// Takes the snapshot and subscribes to later changes atomically, so nothing is lost or duplicated
    /// between the two: the snapshot goes into <paramref name="queue"/> through
    /// <see cref="SubscriberQueue{TResource}.EnqueueSnapshot"/>, then every change until the subscription is disposed.
    /// </summary>
    ValueTask<OwnerFeedSubscription> SubscribeAsync(SubscriberQueue<TResource> queue, CancellationToken cancellationToken);
}

/// <summary>A live subscription to an owner feed.</summary>
/// <param name="SnapshotCount">How many resources the snapshot held.</param>
/// <param name="Subscription">Ends the subscription when disposed.</param>
internal readonly record struct OwnerFeedSubscription(int SnapshotCount, IAsyncDisposable Subscription);

/// <summary>What an owner session reports as it runs; implemented by logging and metrics.</summary>
internal interface IOwnerSessionObserver
{
    void ResponseSent(string resourceKey, OwnerOperation operation);

    void Acknowledged(string resourceKey, TimeSpan latency);

    void Rejected(string resourceKey, int code, string message);

    void UnknownNonce(string nonce);

    void DuplicateSubscribe();
}
