using MeshInterop.Catalog;
using MeshInterop.Catalog.Export;

namespace MeshInterop.Protocol.Internal;

/// <summary>
/// An owner feed over a catalog partition, filtered by one peer's export filter (7.1.5): the snapshot and the
/// change reader come from one atomic subscribe, and an entry that stops being visible to the peer is sent
/// to it as a DELETE (the subscriber queue drops deletes of keys the peer never received).
/// </summary>
internal sealed class CatalogOwnerFeed(CatalogPartition catalog, ExportFilter exports) : IOwnerFeed<CatalogEntry>
{
    public ValueTask<OwnerFeedSubscription> SubscribeAsync(SubscriberQueue<CatalogEntry> queue, CancellationToken cancellationToken)
    {
        var reader = catalog.Subscribe();
        int count;
        try
        {
            count = queue.EnqueueSnapshot(exports.Filter(reader.Snapshot).Select(e => KeyValuePair.Create(e.Key.Name, e)));
        }
        catch
        {
            reader.Dispose();
            throw;
        }

        var stop = new CancellationTokenSource();
        Task pump;
        using (ExecutionContext.SuppressFlow())
        {
            pump = Task.Run(() => PumpAsync(reader, queue, stop.Token), CancellationToken.None);
        }

        return ValueTask.FromResult(new OwnerFeedSubscription(count, new Subscription(reader, stop, pump)));
    }

    private async Task PumpAsync(CatalogChangeReader reader, SubscriberQueue<CatalogEntry> queue, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var change in batch.Changes)
                {
                    if (change.New is { } current && exports.Allows(current))
                    {
                        queue.EnqueueUpsert(change.Key.Name, current);
                    }
                    else if (change.Old is { } previous)
                    {
                        queue.EnqueueDelete(change.Key.Name, previous);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The stream ended.
        }
    }

    private sealed class Subscription(CatalogChangeReader reader, CancellationTokenSource stop, Task pump) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            reader.Dispose();
            stop.Dispose();
        }
    }
}
