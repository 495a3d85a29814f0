using MeshInterop.Catalog;
using MeshInterop.Catalog.Resync;

namespace MeshInterop.Protocol.Consumer;

/// <summary>
/// An <see cref="IHamletImportHandler"/> over the catalog's per-peer import sessions: each subscription
/// begins a resync, upserts and deletes go to the peer's import set, and the session sweeps what the
/// owner stopped asserting (exactly, when the owner announced its snapshot size; after the grace period
/// otherwise). Changes are durable once the sessions have published them to the import view.
/// </summary>
public sealed class CatalogImportHandler : IHamletImportHandler
{
    private readonly ImportSessions _sessions;
    private readonly Lock _gate = new();

    /// <summary>Initializes a new instance of the <see cref="CatalogImportHandler"/> class.</summary>
    /// <param name="sessions">The import sessions, which publish every change of the import view.</param>
    public CatalogImportHandler(ImportSessions sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _sessions = sessions;
    }

    /// <inheritdoc />
    public ValueTask BeginSubscriptionAsync(string peer, long? announcedSnapshotCount, CancellationToken cancellationToken) =>
        Run(() => _sessions.BeginResync(peer, announcedSnapshotCount));

    /// <inheritdoc />
    /// <exception cref="HamletImportRejectedException">The peer already holds as many imports as its limit allows.</exception>
    public ValueTask UpsertAsync(string peer, CatalogEntry entry, CancellationToken cancellationToken)
    {
        bool accepted;
        lock (_gate)
        {
            accepted = _sessions.Upsert(peer, entry);
        }

        // The per-peer limit is a policy: the consumer NACKs with PermissionDenied and keeps its catalog as it was.
        return accepted
            ? ValueTask.CompletedTask
            : ValueTask.FromException(new HamletImportRejectedException($"'{entry.Key}' would exceed the number of imports allowed for peer '{peer}'."));
    }

    /// <inheritdoc />
    public ValueTask DeleteAsync(string peer, ServiceKey key, CancellationToken cancellationToken) =>
        Run(() => _sessions.Delete(peer, key));

    /// <inheritdoc />
    public ValueTask MarkAssertedAsync(string peer, ServiceKey key, CancellationToken cancellationToken) =>
        Run(() => _sessions.MarkAsserted(peer, key));

    /// <inheritdoc />
    public ValueTask DisconnectedAsync(string peer, CancellationToken cancellationToken) =>
        Run(() => _sessions.Disconnected(peer));

    /// <inheritdoc />
    public ValueTask PurgeAsync(string peer, CancellationToken cancellationToken) =>
        Run(() => _sessions.RemovePeer(peer));

    private ValueTask Run(Action action)
    {
        // Consumers of different peers call concurrently; the sessions and view are updated one change at a time.
        lock (_gate)
        {
            action();
        }

        return ValueTask.CompletedTask;
    }
}
