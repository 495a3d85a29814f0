using MeshInterop.Catalog.Diff;

namespace MeshInterop.Catalog.InMemory;

/// <summary>
/// An <see cref="ICatalogSink"/> that keeps the imports in memory, for tests and for embedders that read the
/// imports from <see cref="Current"/> themselves. Writes are durable as soon as the call returns. Thread-safe.
/// </summary>
public sealed class InMemoryCatalogSink : ICatalogSink
{
    private readonly CatalogPartition _catalog = new(nameof(InMemoryCatalogSink));
    private long _appliedBatches;
    private long _reconciliations;

    /// <summary>Gets the imports the sink holds.</summary>
    public CatalogSnapshot Current => _catalog.Current;

    /// <summary>Gets how many batches <see cref="ApplyAsync"/> has applied.</summary>
    public long AppliedBatches => Interlocked.Read(ref _appliedBatches);

    /// <summary>Gets how many times <see cref="ReconcileAsync"/> has run.</summary>
    public long Reconciliations => Interlocked.Read(ref _reconciliations);

    /// <summary>Subscribes to what the sink holds, so a test can wait for a change instead of polling.</summary>
    /// <returns>A reader starting at <see cref="Current"/>.</returns>
    public CatalogChangeReader Subscribe() => _catalog.Subscribe();

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="changes"/> is <see langword="null"/>.</exception>
    public Task ApplyAsync(CatalogDiff changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        cancellationToken.ThrowIfCancellationRequested();
        _catalog.Update(
            changes.Changes.Where(c => c.New is not null).Select(c => c.New!),
            changes.Removed.Select(c => c.Key));
        Interlocked.Increment(ref _appliedBatches);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="desired"/> is <see langword="null"/>.</exception>
    public Task ReconcileAsync(CatalogSnapshot desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        cancellationToken.ThrowIfCancellationRequested();
        _catalog.Publish(desired);
        Interlocked.Increment(ref _reconciliations);
        return Task.CompletedTask;
    }
}
