using System.Globalization;
using MeshInterop.Catalog;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.Federation.Internal;

/// <summary>
/// Passes a peer's stream events to the import sessions, records each change, wakes the sink writer, and returns
/// (so the consumer ACKs) only once the sink holds the change. A sink that does not accept it within
/// <paramref name="sinkBudget"/> makes the consumer NACK with <c>Unavailable</c>; the change stays in the import
/// view and reaches the sink when it recovers.
/// </summary>
internal sealed class TrackingImportHandler(
    IHamletImportHandler inner,
    FederationStatus status,
    int peer,
    ChangeSignal signal,
    SinkProgress progress,
    TimeSpan sinkBudget,
    TimeProvider time) : IHamletImportHandler
{
    public async ValueTask BeginSubscriptionAsync(string peerName, long? announcedSnapshotCount, CancellationToken cancellationToken)
    {
        await inner.BeginSubscriptionAsync(peerName, announcedSnapshotCount, cancellationToken).ConfigureAwait(false);
        signal.Set();
    }

    public async ValueTask UpsertAsync(string peerName, CatalogEntry entry, CancellationToken cancellationToken)
    {
        await inner.UpsertAsync(peerName, entry, cancellationToken).ConfigureAwait(false);
        await ChangedAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DeleteAsync(string peerName, ServiceKey key, CancellationToken cancellationToken)
    {
        await inner.DeleteAsync(peerName, key, cancellationToken).ConfigureAwait(false);
        await ChangedAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask MarkAssertedAsync(string peerName, ServiceKey key, CancellationToken cancellationToken)
    {
        await inner.MarkAssertedAsync(peerName, key, cancellationToken).ConfigureAwait(false);
        signal.Set();
    }

    public async ValueTask DisconnectedAsync(string peerName, CancellationToken cancellationToken)
    {
        await inner.DisconnectedAsync(peerName, cancellationToken).ConfigureAwait(false);
        signal.Set();
    }

    public async ValueTask PurgeAsync(string peerName, CancellationToken cancellationToken)
    {
        await inner.PurgeAsync(peerName, cancellationToken).ConfigureAwait(false);
        status.ChangeApplied(peer);
        signal.Set();
    }

    private async Task ChangedAsync(CancellationToken cancellationToken)
    {
        status.ChangeApplied(peer);
        var generation = progress.Request();
        signal.Set();
        try
        {
            await progress.WaitAsync(generation).WaitAsync(sinkBudget, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"The sink has not accepted the change within {sinkBudget.TotalSeconds} s; it is kept in the import view and written when the sink recovers."));
        }
    }
}
