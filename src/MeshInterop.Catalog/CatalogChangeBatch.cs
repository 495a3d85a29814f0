using MeshInterop.Catalog.Diff;

namespace MeshInterop.Catalog;

/// <summary>
/// What a <see cref="CatalogChangeReader"/> receives: the changes from the revision it had read to a newer one. A
/// reader that kept up receives one batch per write; one that fell behind receives one coalesced batch.
/// </summary>
public sealed class CatalogChangeBatch
{
    internal CatalogChangeBatch(long fromRevision, CatalogSnapshot snapshot, CatalogDiff changes)
    {
        FromRevision = fromRevision;
        Snapshot = snapshot;
        Changes = changes;
    }

    /// <summary>Gets the revision the changes start from (the reader's previous position).</summary>
    public long FromRevision { get; }

    /// <summary>Gets the revision the changes lead to.</summary>
    public long Revision => Snapshot.Revision;

    /// <summary>Gets the snapshot at <see cref="Revision"/>.</summary>
    public CatalogSnapshot Snapshot { get; }

    /// <summary>Gets the changes, one per key, in key order.</summary>
    public CatalogDiff Changes { get; }

    /// <summary>Gets a value indicating whether the batch spans more than one revision (the reader had fallen behind).</summary>
    public bool IsCoalesced => Revision - FromRevision > 1;

    /// <inheritdoc/>
    public override string ToString() => $"revision {FromRevision} -> {Revision}: {Changes}";
}
