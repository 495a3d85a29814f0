namespace MeshInterop.Catalog.Import.Internal;

/// <summary>
/// Remembers the state of every name and conflict an operation touches, before its first change, and reports
/// only real differences at the end: an operation that touches a name twice, or changes it and back, reports once
/// or not at all. Slots and records carry the stamp of the operation that last touched them, so tracking costs a
/// list append rather than a dictionary insert; that keeps a 100,000-entry rebuild cheap.
/// </summary>
internal sealed class ChangeCollector
{
    private readonly List<(string Name, object? Slot, NameState Before)> _names = [];
    private readonly List<(ImportRecord Record, ImportConflict? Before)> _conflicts = [];
    private long _operation = 1;
    private bool _slotReplaced;

    /// <summary>Records the state of a name before the operation changes it; <paramref name="slot"/> is its current slot.</summary>
    internal void TouchName(string name, object slot)
    {
        if (slot is ImportRecord record)
        {
            if (record.NameStamp == _operation)
                return;
            record.NameStamp = _operation;
        }
        else
        {
            var shared = (NameSlot)slot;
            if (shared.Stamp == _operation)
                return;
            shared.Stamp = _operation;
        }

        _names.Add((name, slot, NameState.Of(slot)));
    }

    /// <summary>Records that a name nobody held is now held by <paramref name="record"/> alone.</summary>
    internal void TouchNewName(string name, ImportRecord record)
    {
        record.NameStamp = _operation;
        _names.Add((name, record, default));
    }

    /// <summary>Marks a slot object as stamped by this operation without recording it (its name is recorded already).</summary>
    internal void Adopt(NameSlot slot) => slot.Stamp = _operation;

    /// <summary>Makes room for a batch that will touch about <paramref name="count"/> names.</summary>
    internal void Expect(int count)
    {
        var needed = _names.Count + count;
        if (needed > _names.Capacity)
            _names.Capacity = Math.Max(needed, _names.Capacity * 2);
    }

    /// <summary>A name's slot object was replaced or dropped; at the end, names are looked up again.</summary>
    internal void SlotReplaced() => _slotReplaced = true;

    // A record object is unique per (peer, key) within one operation: no operation both removes and re-creates a key.
    internal void TouchConflict(ImportRecord record)
    {
        if (record.ConflictStamp == _operation)
            return;
        record.ConflictStamp = _operation;
        _conflicts.Add((record, record.Conflict));
    }

    /// <summary>Builds what changed; <paramref name="projectedDelta"/> is the change in the number of projected names.</summary>
    internal ImportViewChanges Build(Func<string, object?> slotNow, out int projectedDelta)
    {
        projectedDelta = 0;
        try
        {
            return _names.Count == 0 && _conflicts.Count == 0 ? ImportViewChanges.None : BuildCore(slotNow, ref projectedDelta);
        }
        finally
        {
            _names.Clear();
            _conflicts.Clear();
            _slotReplaced = false;
            _operation++;
        }
    }

    private ImportViewChanges BuildCore(Func<string, object?> slotNow, ref int projectedDelta)
    {
        PendingProjection[]? upserted = null;
        var upsertedCount = 0;
        List<ServiceKey>? removed = null;
        HashSet<string>? seen = _slotReplaced ? new(StringComparer.Ordinal) : null;
        foreach (var (name, slot, before) in _names)
        {
            // When a name's slot object was replaced, its first record holds the state before the operation.
            if (seen is not null && !seen.Add(name))
                continue;
            var after = NameState.Of(seen is null ? slot : slotNow(name));
            if (after.Winner is null)
            {
                if (before.Winner is not null)
                {
                    projectedDelta--;
                    (removed ??= []).Add(new ServiceKey(name));
                }
            }
            else if (!after.SameAs(before))
            {
                if (before.Winner is null)
                    projectedDelta++;
                (upserted ??= new PendingProjection[_names.Count])[upsertedCount++] = after.Pending(name);
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
            upserted is null ? [] : upsertedCount == upserted.Length ? upserted : upserted[..upsertedCount],
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

/// <summary>
/// What a local name projects, without building the projected entry: the winning import and the entry and FQDN it
/// had, or the merged entry of an aggregate. Two states project the same entry when these are the same.
/// </summary>
internal readonly struct NameState(ImportRecord? winner, CatalogEntry? entry, string? fqdn, CatalogEntry? aggregate)
{
    internal ImportRecord? Winner { get; } = winner;

    private CatalogEntry? Entry { get; } = entry;

    private string? Fqdn { get; } = fqdn;

    private CatalogEntry? Aggregate { get; } = aggregate;

    internal static NameState Of(object? slot) => slot switch
    {
        ImportRecord { Wins: true } record => new(record, record.Entry, record.Fqdn, null),
        NameSlot { Winner: { } winner } shared => new(winner, winner.Entry, winner.Fqdn, shared.Aggregate),
        _ => default,
    };

    internal bool SameAs(NameState other) =>
        ReferenceEquals(Winner, other.Winner) && ReferenceEquals(Entry, other.Entry) && string.Equals(Fqdn, other.Fqdn, StringComparison.Ordinal)
        && (ReferenceEquals(Aggregate, other.Aggregate) || (Aggregate is not null && Aggregate.Equals(other.Aggregate)));

    internal PendingProjection Pending(string name) =>
        new(Aggregate ?? Winner!.Projection, Entry!, name, Fqdn, Winner!.Peer);
}

/// <summary>A projected entry as a change reports it: built already, or built when the change is first read.</summary>
internal readonly record struct PendingProjection(CatalogEntry? Built, CatalogEntry Entry, string LocalName, string? Fqdn, string Peer)
{
    internal CatalogEntry Build() => Built ?? ImportRecord.ProjectionOf(Entry, LocalName, Fqdn, Peer);
}
