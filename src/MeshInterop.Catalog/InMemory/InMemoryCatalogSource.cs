using System.Runtime.CompilerServices;

namespace MeshInterop.Catalog.InMemory;

/// <summary>
/// An <see cref="ICatalogSource"/> over an in-memory catalog, for tests and for embedders whose registry lives in
/// their own process. Write with <see cref="Publish"/> and <see cref="Update"/>; every watcher receives the
/// initial state and then each change (coalesced when it reads slowly). Thread-safe.
/// </summary>
public sealed class InMemoryCatalogSource : ICatalogSource
{
    private readonly CatalogPartition _catalog = new(nameof(InMemoryCatalogSource));

    /// <summary>Gets the current content.</summary>
    public CatalogSnapshot Current => _catalog.Current;

    /// <summary>
    /// Gets or sets how many entries each page of the initial state holds; <see langword="null"/> sends it as one
    /// full state. Pages exercise a consumer's handling of <see cref="CatalogSourceUpdate.CompletesInitialState"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int? InitialStatePageSize
    {
        get;
        set
        {
            if (value is < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A page holds at least one entry.");
            }

            field = value;
        }
    }

    /// <summary>Replaces the whole content.</summary>
    /// <param name="entries">The complete content, with distinct keys.</param>
    /// <returns>The snapshot after the write.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or an entry is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two entries have the same key.</exception>
    public CatalogSnapshot Publish(IEnumerable<CatalogEntry> entries) => _catalog.Publish(entries);

    /// <summary>Adds or replaces <paramref name="upserts"/> and removes <paramref name="removals"/>.</summary>
    /// <param name="upserts">Entries to add or replace.</param>
    /// <param name="removals">Keys to remove.</param>
    /// <returns>The snapshot after the write.</returns>
    /// <exception cref="ArgumentNullException">An argument or an entry is <see langword="null"/>.</exception>
    public CatalogSnapshot Update(IEnumerable<CatalogEntry> upserts, IEnumerable<ServiceKey> removals) => _catalog.Update(upserts, removals);

    /// <inheritdoc/>
    public async IAsyncEnumerable<CatalogSourceUpdate> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = _catalog.Subscribe();
        var pageSize = InitialStatePageSize;
        if (pageSize is null)
        {
            yield return CatalogSourceUpdate.FullState(reader.Snapshot);
        }
        else
        {
            foreach (var page in reader.Snapshot.Chunk(pageSize.Value))
            {
                yield return CatalogSourceUpdate.Changes(page, []);
            }

            yield return CatalogSourceUpdate.InitialStateComplete;
        }

        await foreach (var batch in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return CatalogSourceUpdate.Changes(
                batch.Changes.Changes.Where(c => c.New is not null).Select(c => c.New!),
                batch.Changes.Removed.Select(c => c.Key));
        }
    }
}
