using MeshInterop.Catalog.Diff;

namespace MeshInterop.Catalog;

/// <summary>
/// Where imported services are materialised: a Consul catalog, Kubernetes ServiceEntries, a file. A sink manages only
/// the entries it created and never touches the registry's own services.
/// </summary>
public interface ICatalogSink
{
    /// <summary>
    /// Applies a batch of import changes and returns once they are durable in the registry (or durably queued for it).
    /// Idempotent: after the call every changed key holds its <see cref="Diff.CatalogChange.New"/> entry (or is absent),
    /// whatever the registry held before, and applying the same batch again changes nothing.
    /// </summary>
    /// <param name="changes">The changes, one per key, in key order.</param>
    /// <param name="cancellationToken">Abandons the call; the batch may then be partly applied and is retried.</param>
    /// <returns>A task that completes when the changes are durable.</returns>
    Task ApplyAsync(CatalogDiff changes, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the entries this sink manages equal to <paramref name="desired"/>: creates and updates what differs
    /// and deletes what is no longer desired. Used at start-up and after a failure, when the registry may have drifted.
    /// </summary>
    /// <param name="desired">The complete set of imports the registry should hold.</param>
    /// <param name="cancellationToken">Abandons the call.</param>
    /// <returns>A task that completes when the registry holds the desired state durably.</returns>
    Task ReconcileAsync(CatalogSnapshot desired, CancellationToken cancellationToken);
}
