using MeshInterop.Catalog.Diff;

namespace MeshInterop.Catalog;

/// <summary>
/// One side of a <see cref="CatalogStore"/>: a lineage of snapshots that writers advance and readers follow.
/// <para/>
/// Writers are serialised; each write that changes something publishes the next revision, swapping it in before
/// readers are woken, so a reader that wakes always finds the new data. Reads never block.
/// </summary>
public sealed class CatalogPartition
{
    private readonly Lock _writeGate = new();
    private volatile CatalogSnapshot _current;
    private volatile TaskCompletionSource _changed = NewSignal();

    internal CatalogPartition(string name)
    {
        Name = name;
        _current = CatalogSnapshot.Create([]);
    }

    /// <summary>Gets the name of the partition, for diagnostics.</summary>
    public string Name { get; }

    /// <summary>Gets the current snapshot.</summary>
    public CatalogSnapshot Current => _current;

    /// <summary>Replaces the whole content with <paramref name="entries"/> (a full state from a source or a resync).</summary>
    /// <param name="entries">The complete content, with distinct keys.</param>
    /// <returns>The current snapshot after the write (unchanged when the content was the same).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or an entry is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two entries have the same key.</exception>
    public CatalogSnapshot Publish(IEnumerable<CatalogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var desired = entries as IReadOnlyCollection<CatalogEntry> ?? entries.ToArray();
        return Write(current => current.ReplaceAll(desired));
    }

    /// <summary>Adds or replaces <paramref name="upserts"/> and removes <paramref name="removals"/>, in one revision, idempotently.</summary>
    /// <param name="upserts">Entries to add or replace.</param>
    /// <param name="removals">Keys to remove (absent keys are ignored).</param>
    /// <returns>The current snapshot after the write (unchanged when nothing changed).</returns>
    /// <exception cref="ArgumentNullException">An argument or an entry is <see langword="null"/>.</exception>
    public CatalogSnapshot Update(IEnumerable<CatalogEntry> upserts, IEnumerable<ServiceKey> removals)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(removals);
        var upsertList = upserts as IReadOnlyCollection<CatalogEntry> ?? upserts.ToArray();
        var removalList = removals as IReadOnlyCollection<ServiceKey> ?? removals.ToArray();
        return Write(current => current.Update(upsertList, removalList));
    }

    /// <summary>
    /// Applies a diff computed against the current content (for example by the import view, from its previous
    /// state to its new one), in one revision. Every change's old entry must match the current entry.
    /// </summary>
    /// <param name="diff">The diff.</param>
    /// <returns>The current snapshot after the write.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="diff"/> is <see langword="null"/>.</exception>
    /// <exception cref="CatalogDiffMismatchException">The diff does not match the current content; nothing was applied.</exception>
    public CatalogSnapshot Apply(CatalogDiff diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        return Write(current => CatalogDiffer.Apply(current, diff));
    }

    /// <summary>
    /// Subscribes to the change feed, atomically with the current snapshot: the reader starts at
    /// <see cref="CatalogChangeReader.Snapshot"/> and receives every later change, coalesced when it falls behind.
    /// </summary>
    /// <returns>The reader; dispose it to stop reading.</returns>
    public CatalogChangeReader Subscribe() => new(this, _current);

    /// <summary>
    /// Follows a source into this partition until <paramref name="cancellationToken"/> is cancelled, the source ends,
    /// or it fails. The initial state replaces the partition's content only once it is complete (a full state, or
    /// the page that completes it), so a failed or partial read never removes anything; later changes apply as they come.
    /// </summary>
    /// <param name="source">The source.</param>
    /// <param name="cancellationToken">Stops following.</param>
    /// <returns>A task that completes when the source's stream ends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task FollowAsync(ICatalogSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        Dictionary<ServiceKey, CatalogEntry>? initial = [];
        await foreach (var update in source.WatchAsync(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (update.IsFullState)
            {
                initial = null;
                Publish(update.Upserts);
            }
            else if (initial is not null)
            {
                foreach (var entry in update.Upserts)
                {
                    initial[entry.Key] = entry;
                }

                foreach (var key in update.Removals)
                {
                    initial.Remove(key);
                }

                if (update.CompletesInitialState)
                {
                    Publish(initial.Values);
                    initial = null;
                }
            }
            else
            {
                Update(update.Upserts, update.Removals);
            }
        }
    }

    /// <summary>Waits until the current revision differs from <paramref name="revision"/>.</summary>
    internal async ValueTask WaitForChangeAsync(long revision, Task stopped, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Read the signal before the revision: a write after the check completes this very signal.
            var signal = _changed;
            if (_current.Revision != revision || stopped.IsCompleted)
            {
                return;
            }

            await Task.WhenAny(signal.Task, stopped).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CatalogSnapshot Write(Func<CatalogSnapshot, CatalogSnapshot> change)
    {
        lock (_writeGate)
        {
            var current = _current;
            var next = change(current);
            if (ReferenceEquals(next, current))
            {
                return current;
            }

            _current = next;                                   // swap first ...
            var woken = _changed;
            _changed = NewSignal();
            woken.TrySetResult();                              // ... then wake readers (continuations run elsewhere)
            return next;
        }
    }
}
