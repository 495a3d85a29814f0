using MeshInterop.Catalog;

namespace MeshInterop.Protocol.Consumer;

/// <summary>
/// Where a consumer puts what it receives from one peer. The consumer ACKs a response only after the
/// call for it has completed, so an implementation returns only once the change is durable (applied by
/// the sink, or durably queued for it). Calls for one peer never overlap.
/// </summary>
public interface IHamletImportHandler
{
    /// <summary>A new subscription to the peer has started: mark its imports for the sweep that follows the snapshot.</summary>
    /// <param name="peer">The peer's configured name.</param>
    /// <param name="announcedSnapshotCount">The snapshot size the owner announced, or <see langword="null"/> when it did not (plain Hamlet owners): sweep after the grace period then.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the mark is recorded.</returns>
    ValueTask BeginSubscriptionAsync(string peer, long? announcedSnapshotCount, CancellationToken cancellationToken);

    /// <summary>Creates or replaces an import (CREATE, UPDATE and UPSERT are all upserts).</summary>
    /// <param name="peer">The peer's configured name.</param>
    /// <param name="entry">The validated, normalised entry, keyed by the peer's resource key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the change is durable.</returns>
    /// <exception cref="HamletImportRejectedException">A policy refuses the entry; the consumer NACKs it with <c>PermissionDenied</c>.</exception>
    ValueTask UpsertAsync(string peer, CatalogEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes an import; removing an unknown key is not an error.</summary>
    /// <param name="peer">The peer's configured name.</param>
    /// <param name="key">The peer's resource key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the change is durable.</returns>
    ValueTask DeleteAsync(string peer, ServiceKey key, CancellationToken cancellationToken);

    /// <summary>Counts a snapshot item the consumer NACKed as asserted, so the sweep keeps its previous version.</summary>
    /// <param name="peer">The peer's configured name.</param>
    /// <param name="key">The peer's resource key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when recorded.</returns>
    ValueTask MarkAssertedAsync(string peer, ServiceKey key, CancellationToken cancellationToken);

    /// <summary>The stream to the peer ended; its imports stay for the disconnected TTL.</summary>
    /// <param name="peer">The peer's configured name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when recorded.</returns>
    ValueTask DisconnectedAsync(string peer, CancellationToken cancellationToken);

    /// <summary>The consumer stopped on purpose with purge: remove every import from the peer (R10).</summary>
    /// <param name="peer">The peer's configured name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the imports are gone.</returns>
    ValueTask PurgeAsync(string peer, CancellationToken cancellationToken);
}
