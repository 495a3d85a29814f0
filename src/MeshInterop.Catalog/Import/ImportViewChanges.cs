using System.Collections.Immutable;
using System.Runtime.InteropServices;
using MeshInterop.Catalog.Import.Internal;

namespace MeshInterop.Catalog.Import;

/// <summary>What one operation on an <see cref="ImportView"/> changed in the projected entries and in the conflicts.</summary>
public sealed class ImportViewChanges
{
    // The projected entries are built on first read of Upserted: a view rebuilt for its conflicts and lookups
    // creates none, and a reader that applies them to a store builds each once.
    private PendingProjection[]? _pending;
    private ImmutableArray<CatalogEntry> _upserted;

    internal ImportViewChanges(
        PendingProjection[] upserted,
        ImmutableArray<ServiceKey> removed,
        ImmutableArray<ImportConflict> conflictsRaised,
        ImmutableArray<ImportConflict> conflictsCleared)
    {
        if (upserted.Length == 0)
            _upserted = [];
        else
            _pending = upserted;
        Removed = removed;
        ConflictsRaised = conflictsRaised;
        ConflictsCleared = conflictsCleared;
    }

    /// <summary>Gets an instance that reports no change.</summary>
    public static ImportViewChanges None { get; } = new([], [], [], []);

    /// <summary>Gets the projected entries that were added or changed, in no particular order, one per local key.</summary>
    public ImmutableArray<CatalogEntry> Upserted
    {
        get
        {
            if (_upserted.IsDefault)
            {
                var pending = Volatile.Read(ref _pending);
                if (pending is not null)
                {
                    var built = new CatalogEntry[pending.Length];
                    for (var i = 0; i < built.Length; i++)
                        built[i] = pending[i].Build();

                    // Racing readers build equal arrays; the first one published wins.
                    ImmutableInterlocked.InterlockedInitialize(ref _upserted, ImmutableCollectionsMarshal.AsImmutableArray(built));
                    Volatile.Write(ref _pending, null);
                }
            }

            return _upserted;
        }
    }

    /// <summary>Gets the local keys whose projected entry was removed, in no particular order.</summary>
    public ImmutableArray<ServiceKey> Removed { get; }

    /// <summary>Gets the conflicts that appeared or changed, ordered by peer and key (a changed conflict is also in <see cref="ConflictsCleared"/> with its old value).</summary>
    public ImmutableArray<ImportConflict> ConflictsRaised { get; }

    /// <summary>Gets the conflicts that no longer hold, ordered by peer and key.</summary>
    public ImmutableArray<ImportConflict> ConflictsCleared { get; }

    /// <summary>Gets a value indicating whether nothing changed.</summary>
    public bool IsEmpty => _pending is null && Upserted.IsEmpty && Removed.IsEmpty && ConflictsRaised.IsEmpty && ConflictsCleared.IsEmpty;

    /// <summary>
    /// Writes the projected changes to a store partition (normally <see cref="CatalogStore.Imports"/>) in one
    /// revision. Applying every change of a view, in order, keeps the partition equal to the view.
    /// </summary>
    /// <param name="partition">The partition that mirrors the import view.</param>
    /// <returns>The partition's snapshot after the write.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="partition"/> is <see langword="null"/>.</exception>
    public CatalogSnapshot ApplyTo(CatalogPartition partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        return Upserted.IsEmpty && Removed.IsEmpty ? partition.Current : partition.Update(Upserted, Removed);
    }
}
