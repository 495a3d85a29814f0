using System.Collections.Immutable;

namespace MeshInterop.Catalog.Import;

/// <summary>What one operation on an <see cref="ImportView"/> changed in the projected entries and in the conflicts.</summary>
public sealed class ImportViewChanges
{
    internal ImportViewChanges(
        ImmutableArray<CatalogEntry> upserted,
        ImmutableArray<ServiceKey> removed,
        ImmutableArray<ImportConflict> conflictsRaised,
        ImmutableArray<ImportConflict> conflictsCleared)
    {
        Upserted = upserted;
        Removed = removed;
        ConflictsRaised = conflictsRaised;
        ConflictsCleared = conflictsCleared;
    }

    /// <summary>Gets an instance that reports no change.</summary>
    public static ImportViewChanges None { get; } = new([], [], [], []);

    /// <summary>Gets the projected entries that were added or changed, in no particular order, one per local key.</summary>
    public ImmutableArray<CatalogEntry> Upserted { get; }

    /// <summary>Gets the local keys whose projected entry was removed, in no particular order.</summary>
    public ImmutableArray<ServiceKey> Removed { get; }

    /// <summary>Gets the conflicts that appeared or changed, ordered by peer and key (a changed conflict is also in <see cref="ConflictsCleared"/> with its old value).</summary>
    public ImmutableArray<ImportConflict> ConflictsRaised { get; }

    /// <summary>Gets the conflicts that no longer hold, ordered by peer and key.</summary>
    public ImmutableArray<ImportConflict> ConflictsCleared { get; }

    /// <summary>Gets a value indicating whether nothing changed.</summary>
    public bool IsEmpty => Upserted.IsEmpty && Removed.IsEmpty && ConflictsRaised.IsEmpty && ConflictsCleared.IsEmpty;

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
