namespace MeshInterop.Catalog;

/// <summary>
/// A mesh registry's exports, as a stream of updates: a Consul catalog, a Kubernetes cluster, a file.
/// <para/>
/// Each call to <see cref="WatchAsync"/> starts from scratch: it first delivers the initial state, either as one
/// <see cref="CatalogSourceUpdate.FullState(IEnumerable{CatalogEntry})"/> or as pages of
/// <see cref="CatalogSourceUpdate.Changes(IEnumerable{CatalogEntry}, IEnumerable{ServiceKey}, bool)"/> ended by an update whose
/// <see cref="CatalogSourceUpdate.CompletesInitialState"/> is <see langword="true"/>, and then live changes.
/// Consumers never treat a key as deleted because it is missing before the initial state is complete, so a source
/// must send the signal only after a complete, successful read; on a failed read it throws instead.
/// </summary>
public interface ICatalogSource
{
    /// <summary>Streams the initial state and then the changes, until cancelled or the source fails.</summary>
    /// <param name="cancellationToken">Stops the watch.</param>
    /// <returns>The updates.</returns>
    IAsyncEnumerable<CatalogSourceUpdate> WatchAsync(CancellationToken cancellationToken);
}
