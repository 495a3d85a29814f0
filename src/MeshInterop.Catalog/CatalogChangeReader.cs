using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using MeshInterop.Catalog.Diff;

namespace MeshInterop.Catalog;

/// <summary>
/// A subscriber's position in a <see cref="CatalogPartition"/>'s change feed. It holds no queue: it remembers the
/// last snapshot it delivered and, when asked, returns one diff from there to the current snapshot. A reader that
/// falls behind therefore costs at most one retained snapshot (shared structurally with the current one), never
/// a backlog, and loses no change. One reader serves one consumer; it is not meant to be read concurrently.
/// </summary>
public sealed class CatalogChangeReader : IDisposable
{
    private readonly CatalogPartition _partition;
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CatalogSnapshot _position;

    internal CatalogChangeReader(CatalogPartition partition, CatalogSnapshot snapshot)
    {
        _partition = partition;
        Snapshot = snapshot;
        _position = snapshot;
    }

    /// <summary>Gets the snapshot the subscription started from; the first batch starts at its revision.</summary>
    public CatalogSnapshot Snapshot { get; }

    /// <summary>Gets the revision of the last snapshot delivered (or of <see cref="Snapshot"/> before any batch).</summary>
    public long Revision => Volatile.Read(ref _position).Revision;

    /// <summary>Takes the changes from the last delivered revision to the current one, if there are any.</summary>
    /// <param name="batch">The changes, coalesced into one diff.</param>
    /// <returns><see langword="true"/> when the partition has moved on since the last batch.</returns>
    /// <exception cref="ObjectDisposedException">The reader was disposed.</exception>
    public bool TryRead([NotNullWhen(true)] out CatalogChangeBatch? batch)
    {
        ObjectDisposedException.ThrowIf(_disposed.Task.IsCompleted, this);
        var position = _position;
        var current = _partition.Current;
        if (current.Revision == position.Revision)
        {
            batch = null;
            return false;
        }

        batch = new CatalogChangeBatch(position.Revision, current, CatalogDiffer.Diff(position, current));
        Volatile.Write(ref _position, current);
        return true;
    }

    /// <summary>Waits until there is something to read.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when <see cref="TryRead"/> will return a batch; <see langword="false"/> once the reader is disposed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        if (_disposed.Task.IsCompleted)
        {
            return false;
        }

        if (_partition.Current.Revision != _position.Revision)
        {
            return true;
        }

        await _partition.WaitForChangeAsync(_position.Revision, _disposed.Task, cancellationToken).ConfigureAwait(false);
        return !_disposed.Task.IsCompleted;
    }

    /// <summary>Reads batches as they come, until the reader is disposed or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Ends the enumeration with an <see cref="OperationCanceledException"/>.</param>
    /// <returns>The batches.</returns>
    public async IAsyncEnumerable<CatalogChangeBatch> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Disposal from another thread between the wait and the read ends the stream instead of throwing.
            if (!_disposed.Task.IsCompleted && TryRead(out var batch))
            {
                yield return batch;
            }
        }
    }

    /// <summary>Stops the reader: pending and later waits return <see langword="false"/>.</summary>
    public void Dispose() => _disposed.TrySetResult();
}
