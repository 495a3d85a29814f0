namespace MeshInterop.Catalog.Import.Internal;

/// <summary>
/// Remembers the state of every name and conflict an operation touches, before its first change, and reports
/// only real differences at the end: an operation that touches a name twice, or changes it and back, reports once or not at all.
/// </summary>
internal sealed class ChangeCollector
{
    private readonly Dictionary<string, CatalogEntry?> _namesBefore = new(StringComparer.Ordinal);
    private readonly Dictionary<PeerKey, ImportConflict?> _conflictsBefore = [];

    internal void TouchName(string name, CatalogEntry? before) => _namesBefore.TryAdd(name, before);

    internal void TouchConflict(PeerKey id, ImportConflict? before) => _conflictsBefore.TryAdd(id, before);

    internal ImportViewChanges Build(Func<string, CatalogEntry?> projectedNow, Func<PeerKey, ImportConflict?> conflictNow)
    {
        if (_namesBefore.Count == 0 && _conflictsBefore.Count == 0)
            return ImportViewChanges.None;

        List<CatalogEntry>? upserted = null;
        List<ServiceKey>? removed = null;
        foreach (var (name, before) in _namesBefore)
        {
            var after = projectedNow(name);
            if (after is null)
            {
                if (before is not null)
                    (removed ??= []).Add(new ServiceKey(name));
            }
            else if (!after.Equals(before))
            {
                (upserted ??= []).Add(after);
            }
        }

        List<ImportConflict>? raised = null;
        List<ImportConflict>? cleared = null;
        foreach (var (id, before) in _conflictsBefore)
        {
            var after = conflictNow(id);
            if (Equals(before, after))
                continue;
            if (before is not null)
                (cleared ??= []).Add(before);
            if (after is not null)
                (raised ??= []).Add(after);
        }

        _namesBefore.Clear();
        _conflictsBefore.Clear();
        if (upserted is null && removed is null && raised is null && cleared is null)
            return ImportViewChanges.None;
        upserted?.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        removed?.Sort();
        raised?.Sort(ConflictOrder);
        cleared?.Sort(ConflictOrder);
        return new ImportViewChanges(
            upserted is null ? [] : [.. upserted],
            removed is null ? [] : [.. removed],
            raised is null ? [] : [.. raised],
            cleared is null ? [] : [.. cleared]);
    }

    internal void Reset()
    {
        _namesBefore.Clear();
        _conflictsBefore.Clear();
    }

    private static int ConflictOrder(ImportConflict a, ImportConflict b)
    {
        var byPeer = string.CompareOrdinal(a.Peer, b.Peer);
        return byPeer != 0 ? byPeer : a.RemoteKey.CompareTo(b.RemoteKey);
    }
}
