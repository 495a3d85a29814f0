using MeshInterop.Catalog;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.Federation.Internal;

/// <summary>Passes a peer's stream events to the import sessions, then records the change and wakes the sink writer.</summary>
internal sealed class TrackingImportHandler(IHamletImportHandler inner, FederationStatus status, int peer, ChangeSignal signal) : IHamletImportHandler
{
    public async ValueTask BeginSubscriptionAsync(string peerName, long? announcedSnapshotCount, CancellationToken cancellationToken)
    {
        await inner.BeginSubscriptionAsync(peerName, announcedSnapshotCount, cancellationToken).ConfigureAwait(false);
        signal.Set();
    }

    public async ValueTask UpsertAsync(string peerName, CatalogEntry entry, CancellationToken cancellationToken)
    {
        await inner.UpsertAsync(peerName, entry, cancellationToken).ConfigureAwait(false);
        Changed();
    }

    public async ValueTask DeleteAsync(string peerName, ServiceKey key, CancellationToken cancellationToken)
    {
        await inner.DeleteAsync(peerName, key, cancellationToken).ConfigureAwait(false);
        Changed();
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
        Changed();
    }

    private void Changed()
    {
        status.ChangeApplied(peer);
        signal.Set();
    }
}
