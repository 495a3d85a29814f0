using System.Runtime.InteropServices;

namespace MeshInterop.Catalog.Import.Internal;

/// <summary>
/// Remembers the state of every name and conflict an operation touches, before its first change, and reports
/// only real differences at the end: an operation that touches a name twice, or changes it and back, reports once
/// or not at all. Slots and records carry the stamp of the operation that last touched them, so tracking costs a
/// list append rather than a dictionary insert; that keeps a 100,000-entry rebuild cheap.
/// </summary>
internal sealed class ChangeCollector
{
    private readonly List<(string Name, NameSlot Slot, CatalogEntry? Before)> _names = [];
    private readonly List<(ImportRecord Record, ImportConflict? Before)> _conflicts = [];
    private long _operation = 1;
    private bool _slotDropped;

    internal void TouchName(string name, NameSlot slot)
    {
        if (slot.Stamp == _operation)
            return;
        slot.Stamp = _operation;
        _names.Add((name, slot, slot.Projected));
    }

    /// <summary>Makes room for a batch that will touch about <paramref name="count"/> names.</summary>
    internal void Expect(int count) => _names.EnsureCapacity(_names.Count + count);

    /// <summary>A slot left the view; a new slot object may take its name within the same operation.</summary>
    internal void SlotDropped() => _slotDropped = true;

    // A record object is unique per (peer, key) within one operation: no operation both removes and re-creates a key.
    internal void TouchConflict(ImportRecord record)
    {
        if (record.Stamp == _operation)
            return;
        record.Stamp = _operation;
        _conflicts.Add((record, record.Conflict));
    }

    internal ImportViewChanges Build(Func<string, CatalogEntry?> projectedNow)
    {
        try
        {
            return _names.Count == 0 && _conflicts.Count == 0 ? ImportViewChanges.None : BuildCore(projectedNow);
        }
        finally
        {
            _names.Clear();
            _conflicts.Clear();
            _slotDropped = false;
            _operation++;
        }
    }

    private ImportViewChanges BuildCore(Func<string, CatalogEntry?> projectedNow)
    {
        CatalogEntry[]? upserted = null;
        var upsertedCount = 0;
        List<ServiceKey>? removed = null;
        HashSet<string>? seen = _slotDropped ? new(StringComparer.Ordinal) : null;
        foreach (var (name, slot, before) in _names)
        {
            // When a slot was dropped and its name re-created, the first record holds the state before the operation.
            if (seen is not null && !seen.Add(name))
                continue;
            var after = seen is null ? slot.Projected : projectedNow(name);
            if (after is null)
            {
                if (before is not null)
                    (removed ??= []).Add(new ServiceKey(name));
            }
            else if (!ReferenceEquals(after, before) && !after.Equals(before))
            {
                (upserted ??= new CatalogEntry[_names.Count])[upsertedCount++] = after;
            }
        }

        List<ImportConflict>? raised = null;
        List<ImportConflict>? cleared = null;
        foreach (var (record, before) in _conflicts)
        {
            var after = record.Conflict;
            if (Equals(before, after))
                continue;
            if (before is not null)
                (cleared ??= []).Add(before);
            if (after is not null)
                (raised ??= []).Add(after);
        }

        if (upserted is null && removed is null && raised is null && cleared is null)
            return ImportViewChanges.None;

        // Projected changes stay unsorted: sorting 100,000 keys would cost more than the whole rebuild.
        raised?.Sort(ConflictOrder);
        cleared?.Sort(ConflictOrder);
        return new ImportViewChanges(
            upserted is null ? []
            : ImmutableCollectionsMarshal.AsImmutableArray(upsertedCount == upserted.Length ? upserted : upserted[..upsertedCount]),
            removed is null ? [] : [.. removed],
            raised is null ? [] : [.. raised],
            cleared is null ? [] : [.. cleared]);
    }

    /// <summary>Orders conflicts by peer, then key at that peer (ordinal).</summary>
    internal static int ConflictOrder(ImportConflict a, ImportConflict b)
    {
        var byPeer = string.CompareOrdinal(a.Peer, b.Peer);
        return byPeer != 0 ? byPeer : a.RemoteKey.CompareTo(b.RemoteKey);
    }
}
