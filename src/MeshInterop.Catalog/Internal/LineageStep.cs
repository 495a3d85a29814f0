using System.Collections.Immutable;
using MeshInterop.Catalog.Diff;

namespace MeshInterop.Catalog.Internal;

/// <summary>
/// One revision of a snapshot lineage: the changes that produced it from its parent. Steps link backwards, so a diff
/// between two revisions of one lineage walks only the steps between them. The lineage keeps a bounded history:
/// the oldest steps drop their payload, and a diff that reaches a dropped step falls back to a full comparison.
/// </summary>
internal sealed class LineageStep
{
    private volatile Payload? _payload;

    private LineageStep(Lineage lineage, long revision, Payload? payload)
    {
        Lineage = lineage;
        Revision = revision;
        _payload = payload;
    }

    public Lineage Lineage { get; }

    public long Revision { get; }

    public static LineageStep Root(Lineage lineage, long revision) => new(lineage, revision, null);

    /// <summary>The changes and the parent step, read together; null once the history budget dropped this step.</summary>
    public Payload? Read() => _payload;

    public LineageStep Next(ImmutableArray<CatalogChange> changes, int snapshotCount)
    {
        var next = new LineageStep(Lineage, Revision + 1, new Payload(changes, this));
        Lineage.Retain(next, changes.Length, snapshotCount);
        return next;
    }

    internal void Drop() => _payload = null;

    internal sealed record Payload(ImmutableArray<CatalogChange> Changes, LineageStep Parent);
}

/// <summary>The history shared by every snapshot of one lineage, bounded in total changes retained.</summary>
internal sealed class Lineage(Guid id)
{
    /// <summary>
    /// History kept whatever the catalog size; larger catalogs keep up to a quarter of their size in changes. A reader
    /// further behind than that gets a full comparison (O(n)) instead, which is then the cheaper path anyway.
    /// </summary>
    internal const int MinimumRetainedChanges = 4096;

    private readonly Lock _gate = new();
    private readonly Queue<(LineageStep Step, int Changes)> _retained = new();
    private long _retainedChanges;

    public Guid Id { get; } = id;

    public void Retain(LineageStep step, int changes, int snapshotCount)
    {
        var budget = Math.Max(MinimumRetainedChanges, snapshotCount / 4L);
        lock (_gate)
        {
            _retained.Enqueue((step, changes));
            _retainedChanges += changes;
            while (_retainedChanges > budget && _retained.Count > 1)
            {
                var (oldest, count) = _retained.Dequeue();
                _retainedChanges -= count;
                oldest.Drop();
            }
        }
    }
}
