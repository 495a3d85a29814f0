using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using MeshInterop.Catalog.Import.Internal;
using MeshInterop.Catalog.Naming;
using MeshInterop.Catalog.Naming.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshInterop.Catalog.Import;

/// <summary>
/// Merges the import sets of every peer into one view for the local mesh: each import is renamed by the
/// <see cref="ImportNamingPolicy"/>, collisions are settled by the <see cref="ImportCollisionPolicy"/> (a local
/// service always wins), and every import not projected as itself is reported as an <see cref="ImportConflict"/>.
/// <para/>
/// Updates are incremental: a change to one import re-evaluates only the local name it maps to, and each operation
/// returns exactly what changed. The result depends only on the imports, their first-seen times and the local
/// names, never on the order of operations. Thread-safe; operations are serialised.
/// </summary>
public sealed partial class ImportView
{
    private readonly Lock _gate = new();
    private readonly ImportNamingPolicy _naming;
    private readonly ImportCollisionPolicy _collisions;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Dictionary<ServiceKey, ImportRecord>> _peers = new(StringComparer.Ordinal);

    // The index of local names: the sole import of a name itself (the usual case, no extra object), or a NameSlot
    // when several imports claim the name or a local service owns it.
    private readonly Dictionary<string, object> _slots = new(StringComparer.Ordinal);

    // The claimants of each local FQDN, keyed by its lower-case form (DNS names compare without case, and an
    // ordinal key hashes much faster than a case-insensitive one): the sole claimant itself, which is the usual
    // case and costs no extra object, or a NameSlot with several, oldest first.
    private readonly Dictionary<string, object> _fqdnClaims = new(StringComparer.Ordinal);
    private readonly HashSet<string> _localFqdns = new(StringComparer.Ordinal);   // lower-case, as FQDN claims
    private readonly Dictionary<PeerKey, ImportConflict> _conflicts = [];
    private readonly Dictionary<PeerKey, DateTimeOffset> _restoredFirstSeen = [];
    private readonly ChangeCollector _changes = new();
    private int _projectedCount;
    private string? _lastNamedPeer;
    private PeerNaming? _lastNaming;

    /// <summary>Initializes an empty view.</summary>
    /// <param name="naming">How imports are named locally.</param>
    /// <param name="collisions">How imports contesting one local name are settled.</param>
    /// <param name="timeProvider">The clock that stamps the first-seen time of new imports.</param>
    /// <exception cref="ArgumentNullException"><paramref name="naming"/> or <paramref name="timeProvider"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="collisions"/> is not a defined policy.</exception>
    public ImportView(ImportNamingPolicy naming, ImportCollisionPolicy collisions, TimeProvider timeProvider)
        : this(naming, collisions, timeProvider, NullLogger<ImportView>.Instance)
    {
    }

    /// <summary>Initializes an empty view that logs every conflict it raises or clears.</summary>
    /// <param name="naming">How imports are named locally.</param>
    /// <param name="collisions">How imports contesting one local name are settled.</param>
    /// <param name="timeProvider">The clock that stamps the first-seen time of new imports.</param>
    /// <param name="logger">Receives a warning for each import not projected as itself, and notes when that ends (event IDs 1001 to 1003).</param>
    /// <exception cref="ArgumentNullException"><paramref name="naming"/>, <paramref name="timeProvider"/> or <paramref name="logger"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="collisions"/> is not a defined policy.</exception>
    public ImportView(ImportNamingPolicy naming, ImportCollisionPolicy collisions, TimeProvider timeProvider, ILogger<ImportView> logger)
    {
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        if (!Enum.IsDefined(collisions))
            throw new ArgumentOutOfRangeException(nameof(collisions), collisions, "Use EarliestWins, RejectAll or AggregateWhenCompatible.");
        _naming = naming;
        _collisions = collisions;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Gets the number of projected entries.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _projectedCount;
        }
    }

    /// <summary>Returns whether <paramref name="peer"/> holds <paramref name="key"/>, and how many imports it holds.</summary>
    internal int CountPeer(string peer, ServiceKey key, out bool holdsKey)
    {
        lock (_gate)
        {
            if (_peers.TryGetValue(peer, out var records))
            {
                holdsKey = records.ContainsKey(key);
                return records.Count;
            }

            holdsKey = false;
            return 0;
        }
    }

    /// <summary>Gets the number of current conflicts, for the conflicts gauge.</summary>
    internal int ConflictCount
    {
        get
        {
            lock (_gate)
                return _conflicts.Count;
        }
    }

    /// <summary>
    /// Adds or replaces the import <paramref name="entry"/> (keyed by <see cref="CatalogEntry.Key"/>, its key at the peer)
    /// from <paramref name="peer"/>. A new import is stamped with a first-seen time that it keeps until it is removed.
    /// </summary>
    /// <param name="peer">The peer that sent the entry.</param>
    /// <param name="entry">The entry as the peer sent it (already validated).</param>
    /// <returns>What changed in the view.</returns>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty, or the entry's key is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    public ImportViewChanges Upsert(string peer, CatalogEntry entry)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Key.IsEmpty)
            throw new ArgumentException($"An entry from peer '{peer}' has an empty key.", nameof(entry));
        lock (_gate)
        {
            if (!_peers.TryGetValue(peer, out var records))
                _peers[peer] = records = [];
            UpsertCore(peer, records, entry, _timeProvider.GetUtcNow());
            return Collect();
        }
    }

    /// <summary>Adds or replaces many imports of <paramref name="peer"/> in one operation.</summary>
    /// <param name="peer">The peer that sent the entries.</param>
    /// <param name="entries">The entries as the peer sent them (already validated).</param>
    /// <returns>What changed in the view.</returns>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty, or an entry's key is empty; nothing is applied then.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or one of them is <see langword="null"/>; nothing is applied then.</exception>
    public ImportViewChanges UpsertRange(string peer, IEnumerable<CatalogEntry> entries)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        ArgumentNullException.ThrowIfNull(entries);
        var batch = entries as IReadOnlyList<CatalogEntry> ?? entries.ToArray();
        foreach (var entry in batch)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            if (entry.Key.IsEmpty)
                throw new ArgumentException($"An entry from peer '{peer}' has an empty key.", nameof(entries));
        }

        lock (_gate)
        {
            Grow(_slots, batch.Count);
            Grow(_fqdnClaims, batch.Count);
            _changes.Expect(batch.Count);
            if (_peers.TryGetValue(peer, out var records))
                Grow(records, batch.Count);
            else
                _peers[peer] = records = new Dictionary<ServiceKey, ImportRecord>(batch.Count);

            // One clock reading per operation: the imports of one batch are first seen together.
            var now = _timeProvider.GetUtcNow();
            foreach (var entry in batch)
                UpsertCore(peer, records, entry, now);
            return Collect();
        }
    }

    /// <summary>Removes the import <paramref name="key"/> of <paramref name="peer"/>; an unknown key changes nothing.</summary>
    /// <param name="peer">The peer.</param>
    /// <param name="key">The key at that peer.</param>
    /// <returns>What changed in the view; the next-oldest import of the same local name is promoted when the removed one won it.</returns>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty.</exception>
    public ImportViewChanges Remove(string peer, ServiceKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        lock (_gate)
        {
            if (_peers.TryGetValue(peer, out var records) && records.Remove(key, out var record))
            {
                Detach(record);
                if (records.Count == 0)
                    _peers.Remove(peer);
            }

            return Collect();
        }
    }

    /// <summary>Removes several imports of <paramref name="peer"/> in one operation; unknown keys are ignored.</summary>
    /// <param name="peer">The peer.</param>
    /// <param name="keys">The keys at that peer.</param>
    /// <returns>What changed in the view.</returns>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    public ImportViewChanges RemoveRange(string peer, IEnumerable<ServiceKey> keys)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        ArgumentNullException.ThrowIfNull(keys);
        lock (_gate)
        {
            if (_peers.TryGetValue(peer, out var records))
            {
                foreach (var key in keys)
                    if (records.Remove(key, out var record))
                        Detach(record);
                if (records.Count == 0)
                    _peers.Remove(peer);
            }

            return Collect();
        }
    }

    /// <summary>Removes every import of <paramref name="peer"/> (unpeering, or expiry of a disconnected peer).</summary>
    /// <param name="peer">The peer.</param>
    /// <returns>What changed in the view.</returns>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty.</exception>
    public ImportViewChanges RemovePeer(string peer)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        lock (_gate)
        {
            if (_peers.Remove(peer, out var records))
                foreach (var record in records.Values)
                    Detach(record);
            foreach (var id in _restoredFirstSeen.Keys.Where(k => string.Equals(k.Peer, peer, StringComparison.Ordinal)).ToArray())
                _restoredFirstSeen.Remove(id);
            return Collect();
        }
    }

    /// <summary>
    /// Records a first-seen time known from before a restart (for example read back from the registry the view was
    /// projected into), so that the earliest import keeps winning after a restart whatever order peers reconnect in.
    /// The earlier of the known and the restored time counts.
    /// </summary>
    /// <param name="peer">The peer.</param>
    /// <param name="key">The key at that peer.</param>
    /// <param name="firstSeen">When the import was first seen.</param>
    /// <returns>What changed in the view (a restored time can change which import wins).</returns>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty, or <paramref name="key"/> is empty.</exception>
    public ImportViewChanges RestoreFirstSeen(string peer, ServiceKey key, DateTimeOffset firstSeen)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        if (key.IsEmpty)
            throw new ArgumentException("The key is empty.", nameof(key));
        lock (_gate)
        {
            var id = new PeerKey(peer, key);
            if (_peers.TryGetValue(peer, out var records) && records.TryGetValue(key, out var record))
            {
                if (firstSeen < record.FirstSeen)
                {
                    Detach(record);
                    record.FirstSeen = firstSeen;
                    var resolved = TryName(peer, record.Entry, out var name, out var error);
                    Attach(record, resolved, name, error);
                }
            }
            else if (!_restoredFirstSeen.TryGetValue(id, out var known) || firstSeen < known)
            {
                _restoredFirstSeen[id] = firstSeen;
            }

            return Collect();
        }
    }

    /// <summary>Replaces the set of names local services own; imports of those names are never projected.</summary>
    /// <param name="names">The local service names.</param>
    /// <returns>What changed in the view.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="names"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A name is null or empty; nothing is applied then.</exception>
    public ImportViewChanges SetLocalNames(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(names));
            wanted.Add(name);
        }

        lock (_gate)
        {
            foreach (var name in _slots.Where(s => s.Value is NameSlot { Local: true } && !wanted.Contains(s.Key)).Select(s => s.Key).ToArray())
                SetLocal(name, local: false);
            foreach (var name in wanted)
                SetLocal(name, local: true);
            return Collect();
        }
    }

    /// <summary>Marks <paramref name="name"/> as owned, or no longer owned, by a local service.</summary>
    /// <param name="name">The local service name.</param>
    /// <param name="isLocal"><see langword="true"/> when a local service now owns the name.</param>
    /// <returns>What changed in the view.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public ImportViewChanges SetLocalName(string name, bool isLocal)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_gate)
        {
            SetLocal(name, isLocal);
            return Collect();
        }
    }

    /// <summary>Replaces the set of FQDNs local services own (compared without case); imports with those FQDNs are never projected.</summary>
    /// <param name="fqdns">The FQDNs of local services.</param>
    /// <returns>What changed in the view.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fqdns"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An FQDN is null or empty; nothing is applied then.</exception>
    public ImportViewChanges SetLocalFqdns(IEnumerable<string> fqdns)
    {
        ArgumentNullException.ThrowIfNull(fqdns);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fqdn in fqdns)
        {
            ArgumentException.ThrowIfNullOrEmpty(fqdn, nameof(fqdns));
            wanted.Add(FqdnKey(fqdn));
        }

        lock (_gate)
        {
            foreach (var key in _localFqdns.Where(k => !wanted.Contains(k)).ToArray())
                SetLocalFqdnCore(key, local: false);
            foreach (var key in wanted)
                SetLocalFqdnCore(key, local: true);
            return Collect();
        }
    }

    /// <summary>Marks <paramref name="fqdn"/> as owned, or no longer owned, by a local service (compared without case).</summary>
    /// <param name="fqdn">The FQDN of a local service.</param>
    /// <param name="isLocal"><see langword="true"/> when a local service now owns the FQDN.</param>
    /// <returns>What changed in the view.</returns>
    /// <exception cref="ArgumentException"><paramref name="fqdn"/> is null or empty.</exception>
    public ImportViewChanges SetLocalFqdn(string fqdn, bool isLocal)
    {
        ArgumentException.ThrowIfNullOrEmpty(fqdn);
        lock (_gate)
        {
            SetLocalFqdnCore(FqdnKey(fqdn), isLocal);
            return Collect();
        }
    }

    /// <summary>Gets the projected entry of a local name.</summary>
    /// <param name="localKey">The local key (the local name).</param>
    /// <param name="entry">The projected entry, when found.</param>
    /// <returns><see langword="true"/> when an import is projected under that name.</returns>
    public bool TryGetEntry(ServiceKey localKey, [NotNullWhen(true)] out CatalogEntry? entry)
    {
        lock (_gate)
        {
            entry = _slots.TryGetValue(localKey.Name, out var slot) ? ProjectedBy(slot) : null;
            return entry is not null;
        }
    }

    /// <summary>Returns the projected entries, ordered by local key (ordinal).</summary>
    /// <returns>A copy; later operations do not change it.</returns>
    public IReadOnlyList<CatalogEntry> GetEntries()
    {
        CatalogEntry[] entries;
        lock (_gate)
            entries = [.. _slots.Values.Select(ProjectedBy).OfType<CatalogEntry>()];
        Array.Sort(entries, static (a, b) => a.Key.CompareTo(b.Key));
        return entries;
    }

    /// <summary>Returns the current conflicts, ordered by peer and key (ordinal).</summary>
    /// <returns>A copy; later operations do not change it.</returns>
    public IReadOnlyList<ImportConflict> GetConflicts()
    {
        ImportConflict[] conflicts;
        lock (_gate)
            conflicts = [.. _conflicts.Values];
        Array.Sort(conflicts, ChangeCollector.ConflictOrder);
        return conflicts;
    }

    /// <summary>Returns the keys of every import stored for <paramref name="peer"/>, projected or not, ordered ordinally.</summary>
    /// <param name="peer">The peer.</param>
    /// <returns>A copy; empty for an unknown peer.</returns>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty.</exception>
    public IReadOnlyList<ServiceKey> GetPeerKeys(string peer)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        ServiceKey[] keys;
        lock (_gate)
            keys = _peers.TryGetValue(peer, out var records) ? [.. records.Keys] : [];
        Array.Sort(keys);
        return keys;
    }

    /// <summary>Gets an import as its peer sent it, with its first-seen time.</summary>
    /// <param name="peer">The peer.</param>
    /// <param name="key">The key at that peer.</param>
    /// <param name="entry">The entry as sent, when found.</param>
    /// <param name="firstSeen">When (peer, key) was first seen, when found.</param>
    /// <returns><see langword="true"/> when the import is stored.</returns>
    public bool TryGetImport(string peer, ServiceKey key, [NotNullWhen(true)] out CatalogEntry? entry, out DateTimeOffset firstSeen)
    {
        lock (_gate)
        {
            if (peer is not null && _peers.TryGetValue(peer, out var records) && records.TryGetValue(key, out var record))
            {
                entry = record.Entry;
                firstSeen = record.FirstSeen;
                return true;
            }
        }

        entry = null;
        firstSeen = default;
        return false;
    }

    // Grows geometrically: growing to exactly the batch size would rehash the whole index on every batch.
    private static void Grow<TKey, TValue>(Dictionary<TKey, TValue> dictionary, int added)
        where TKey : notnull
    {
        var capacity = dictionary.EnsureCapacity(0);
        var needed = dictionary.Count + added;
        if (needed > capacity)
            dictionary.EnsureCapacity(Math.Max(needed, capacity * 2));
    }

    private void UpsertCore(string peer, Dictionary<ServiceKey, ImportRecord> records, CatalogEntry entry, DateTimeOffset now)
    {
        var resolved = TryName(peer, entry, out var name, out var error);
        ref var record = ref CollectionsMarshal.GetValueRefOrAddDefault(records, entry.Key, out var exists);
        if (exists)
        {
            if (ReferenceEquals(record!.Entry, entry) || record.Entry.Equals(entry))
                return;

            // The usual update keeps its local name: re-settle that name in place, without leaving and re-entering it.
            if (resolved && record.LocalName is { } current && string.Equals(current, name.LocalName, StringComparison.Ordinal)
                && string.Equals(record.Fqdn, name.Fqdn, StringComparison.OrdinalIgnoreCase) && _slots.TryGetValue(current, out var slot))
            {
                _changes.TouchName(current, slot);
                record.Entry = entry;
                record.Projection = null;
                record.Fqdn = name.Fqdn;       // the same FQDN, possibly spelled in another case
                Settle(current, slot);
                return;
            }

            Detach(record);
            record.Entry = entry;
        }
        else
        {
            var firstSeen = _restoredFirstSeen.Count > 0 && _restoredFirstSeen.Remove(new PeerKey(peer, entry.Key), out var restored) ? restored : now;
            record = new ImportRecord(peer, entry, firstSeen);
        }

        Attach(record, resolved, name, error);
    }

    private bool TryName(string peer, CatalogEntry entry, out ImportName name, [NotNullWhen(false)] out string? error) =>
        NamingFor(peer).TryResolve(entry.Name.Length > 0 ? entry.Name : entry.Key.Name, entry.Fqdn.Length > 0 ? entry.Fqdn : null, out name, out error);

    /// <summary>Adds the record to its local name, or records why it has none.</summary>
    private void Attach(ImportRecord record, bool resolved, ImportName name, string? error)
    {
        record.Projection = null;
        if (!resolved)
        {
            record.LocalName = null;
            record.Fqdn = null;
            record.FqdnKey = null;
            SetConflict(record, new ImportConflict(record.Peer, record.RemoteKey, default, ImportConflictReason.InvalidName, error!));
            return;
        }

        if (string.IsNullOrEmpty(name.Fqdn))
        {
            // Reference section 7.3: an import without FQDN is stored but not projected, so it holds no name either.
            record.LocalName = null;
            record.Fqdn = null;
            record.FqdnKey = null;
            SetConflict(record, new ImportConflict(record.Peer, record.RemoteKey, new ServiceKey(name.LocalName), ImportConflictReason.MissingFqdn,
                $"Service '{record.RemoteKey}' of peer '{record.Peer}' has no FQDN and no FQDN template gives it one; it is stored but not projected."));
            return;
        }

        record.LocalName = name.LocalName;
        record.Fqdn = name.Fqdn;
        record.FqdnKey = FqdnKey(name.Fqdn);
        ref var held = ref CollectionsMarshal.GetValueRefOrAddDefault(_slots, name.LocalName, out var exists);
        object slot;
        if (!exists)
        {
            // The usual case: the first import of a name holds it alone.
            held = slot = record;
            _changes.TouchNewName(name.LocalName, record);
        }
        else
        {
            _changes.TouchName(name.LocalName, held!);
            var shared = held as NameSlot ?? Share(ref held!);
            shared.Insert(record);
            slot = shared;
        }

        Claim(record);
        Settle(name.LocalName, slot);
    }

    /// <summary>Turns a name held by one import alone into a shared slot, so another party can claim it.</summary>
    private NameSlot Share(ref object held)
    {
        var alone = (ImportRecord)held;
        var shared = new NameSlot();
        shared.Insert(alone);
        if (alone.Wins)
            shared.Winner = alone;
        alone.Wins = false;
        _changes.Adopt(shared);
        _changes.SlotReplaced();
        held = shared;
        return shared;
    }

    /// <summary>Takes the record out of its name (and its conflict) and re-settles the name it held.</summary>
    private void Detach(ImportRecord record)
    {
        if (record.LocalName is { } name && _slots.TryGetValue(name, out var slot))
        {
            _changes.TouchName(name, slot);
            SetConflict(record, null);
            if (ReferenceEquals(slot, record))
            {
                record.Wins = false;
                _slots.Remove(name);
                _changes.SlotReplaced();
            }
            else
            {
                var shared = (NameSlot)slot;
                shared.Remove(record);
                if (ReferenceEquals(shared.Winner, record))
                    shared.Winner = null;
                Settle(name, shared);
            }
        }
        else
        {
            SetConflict(record, null);
        }

        Unclaim(record);
    }

    // Consecutive operations mostly concern one peer (a snapshot replay, a batch): remember its naming rules.
    private PeerNaming NamingFor(string peer)
    {
        if (!string.Equals(peer, _lastNamedPeer, StringComparison.Ordinal))
        {
            _lastNaming = _naming.For(peer);
            _lastNamedPeer = peer;
        }

        return _lastNaming!;
    }

    private void Claim(ImportRecord record)
    {
        ref var claimants = ref CollectionsMarshal.GetValueRefOrAddDefault(_fqdnClaims, record.FqdnKey!, out var exists);
        if (!exists)
        {
            claimants = record;
            return;
        }

        if (claimants is not NameSlot claims)
        {
            claims = new NameSlot();
            claims.Insert((ImportRecord)claimants!);
            claimants = claims;
        }

        claims.Insert(record);
        Reassess(claims);
    }

    private void Unclaim(ImportRecord record)
    {
        record.FqdnBlockedBy = null;
        if (record.FqdnKey is not { } key || !_fqdnClaims.TryGetValue(key, out var claimants))
            return;
        if (claimants is not NameSlot claims)
        {
            if (ReferenceEquals(claimants, record))
                _fqdnClaims.Remove(key);
            return;
        }

        claims.Remove(record);
        if (claims.Count == 0)
            _fqdnClaims.Remove(key);
        else
            Reassess(claims);
    }

    /// <summary>The form under which an FQDN is claimed: ASCII letters lower-cased (DNS names are ASCII after validation).</summary>
    private static string FqdnKey(string fqdn) =>
        fqdn.AsSpan().ContainsAnyInRange('A', 'Z') ? string.Create(fqdn.Length, fqdn, static (chars, source) =>
        {
            for (var i = 0; i < chars.Length; i++)
                chars[i] = source[i] is >= 'A' and <= 'Z' ? (char)(source[i] + ('a' - 'A')) : source[i];
        }) : fqdn;

    /// <summary>
    /// The oldest claimant of an FQDN holds it for its local name; claimants with another local name are blocked.
    /// Imports of the same local name share the FQDN legitimately: the name's collision policy settles them.
    /// </summary>
    private void Reassess(NameSlot claims)
    {
        var holder = claims[0];
        for (var i = 0; i < claims.Count; i++)
        {
            var claimant = claims[i];
            var blockedBy = string.Equals(claimant.LocalName, holder.LocalName, StringComparison.Ordinal) ? null : holder;
            if (ReferenceEquals(claimant.FqdnBlockedBy, blockedBy))
                continue;
            if (claimant.LocalName is { } name && _slots.TryGetValue(name, out var slot))
            {
                _changes.TouchName(name, slot);
                claimant.FqdnBlockedBy = blockedBy;
                Settle(name, slot);
            }
            else
            {
                claimant.FqdnBlockedBy = blockedBy;
            }
        }
    }

    private void SetLocal(string name, bool local)
    {
        // A name held by one import alone has no local service to release.
        if (!local && _slots.GetValueOrDefault(name) is not NameSlot)
            return;
        ref var held = ref CollectionsMarshal.GetValueRefOrAddDefault(_slots, name, out var exists);
        NameSlot shared;
        if (!exists)
        {
            held = shared = new NameSlot();
            _changes.TouchName(name, shared);
            _changes.SlotReplaced();
        }
        else
        {
            _changes.TouchName(name, held!);
            shared = held as NameSlot ?? Share(ref held!);
        }

        if (shared.Local == local)
            return;
        shared.Local = local;
        Settle(name, shared);
    }

    private void SetLocalFqdnCore(string key, bool local)
    {
        if (!(local ? _localFqdns.Add(key) : _localFqdns.Remove(key)) || !_fqdnClaims.TryGetValue(key, out var claimants))
            return;
        if (claimants is ImportRecord claimant)
        {
            ResettleName(claimant);
            return;
        }

        var claims = (NameSlot)claimants;
        for (var i = 0; i < claims.Count; i++)
            ResettleName(claims[i]);
    }

    private void ResettleName(ImportRecord record)
    {
        if (record.LocalName is { } name && _slots.TryGetValue(name, out var slot))
            Settle(name, slot);
    }

    private void Settle(string name, object slot)
    {
        if (slot is ImportRecord alone)
            SettleAlone(name, alone);
        else
            SettleShared(name, (NameSlot)slot);
    }

    /// <summary>The sole claimant of a name wins it unless its FQDN is held by an earlier import of another name.</summary>
    private void SettleAlone(string name, ImportRecord record)
    {
        _changes.TouchName(name, record);
        if (HasLocalFqdn(record))
        {
            record.Wins = false;
            SetConflict(record, LocalFqdn(record, name));
        }
        else if (record.FqdnBlockedBy is { } holder)
        {
            record.Wins = false;
            SetConflict(record, FqdnTaken(record, name, holder));
        }
        else
        {
            record.Wins = true;
            SetConflict(record, null);
        }
    }

    /// <summary>Re-evaluates who owns a contested or local name. Cost is linear in the imports contesting that name only.</summary>
    private void SettleShared(string name, NameSlot slot)
    {
        _changes.TouchName(name, slot);
        var count = slot.Count;
        ImportRecord? projected = null;
        CatalogEntry? aggregate = null;
        if (slot.Local)
        {
            for (var i = 0; i < count; i++)
                SetConflict(slot[i], Conflict(slot[i], name, ImportConflictReason.LocalService, $"Local service '{name}' owns the name; an import never shadows a local service."));
        }
        else if (count > 0)
        {
            // Imports blocked on their FQDN take no part; the oldest of the others is the winner.
            ImportRecord? winner = null;
            var eligible = 0;
            for (var i = 0; i < count; i++)
            {
                var candidate = slot[i];
                if (HasLocalFqdn(candidate))
                {
                    SetConflict(candidate, LocalFqdn(candidate, name));
                    continue;
                }

                if (candidate.FqdnBlockedBy is { } holder)
                {
                    SetConflict(candidate, FqdnTaken(candidate, name, holder));
                    continue;
                }

                eligible++;
                winner ??= candidate;
            }

            switch (_collisions)
            {
                case var _ when winner is null:
                    break;
                case ImportCollisionPolicy.RejectAll when eligible > 1:
                    for (var i = 0; i < count; i++)
                        if (!Excluded(slot[i]))
                            SetConflict(slot[i], Conflict(slot[i], name, ImportConflictReason.Ambiguous, $"{eligible} imports claim '{name}' and the collision policy rejects them all."));
                    break;
                case ImportCollisionPolicy.AggregateWhenCompatible when eligible > 1:
                    projected = winner;
                    aggregate = Aggregate(name, slot, winner);
                    break;
                default:
                    SetConflict(winner, null);
                    projected = winner;
                    for (var i = 0; i < count; i++)
                        if (slot[i] != winner && !Excluded(slot[i]))
                            SetConflict(slot[i], Conflict(slot[i], name, ImportConflictReason.EarlierImport, WonBy(winner, name)));
                    break;
            }
        }

        // Keep the previous merged entry when the merge gives the same content, so nothing is reported.
        if (aggregate is not null && slot.Aggregate is not null && aggregate.Equals(slot.Aggregate))
            aggregate = slot.Aggregate;
        slot.Winner = projected;
        slot.Aggregate = aggregate;
        if (slot.IsUnused)
        {
            _slots.Remove(name);
            _changes.SlotReplaced();
        }
    }

    private CatalogEntry? Aggregate(string name, NameSlot slot, ImportRecord winner)
    {
        SetConflict(winner, null);
        var endpoints = new HashSet<CatalogEndpoint>(winner.Entry.Endpoints);
        var peers = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < slot.Count; i++)
        {
            var c = slot[i];
            if (c == winner || Excluded(c))
                continue;
            if (c.Entry.Ports.SequenceEqual(winner.Entry.Ports))
            {
                endpoints.UnionWith(c.Entry.Endpoints);
                peers.Add(c.Peer);
                SetConflict(c, Conflict(c, name, ImportConflictReason.Aggregated, $"Merged into '{name}' of peer '{winner.Peer}' (key '{winner.RemoteKey}'): the service ports agree."));
            }
            else
            {
                SetConflict(c, Conflict(c, name, ImportConflictReason.IncompatiblePorts, $"Not merged into '{name}' of peer '{winner.Peer}' (key '{winner.RemoteKey}'): the service ports differ."));
            }
        }

        // Nothing merged in: the winner's own projection, built when read. Otherwise the origin names every peer
        // that contributed, so the loop guard never exports the merged entry back to any of them.
        peers.Remove(winner.Peer);
        if (endpoints.Count == winner.Entry.Endpoints.Length && peers.Count == 0)
            return null;
        return winner.Project() with { Endpoints = [.. endpoints], Origin = CatalogOrigin.FromPeers(winner.Peer, winner.RemoteKey, peers) };
    }

    private bool HasLocalFqdn(ImportRecord record) => _localFqdns.Count > 0 && _localFqdns.Contains(record.FqdnKey!);

    // Imports that take no part in their name's settlement: a local service or an earlier import holds their FQDN.
    private bool Excluded(ImportRecord record) => record.FqdnBlockedBy is not null || HasLocalFqdn(record);

    private static ImportConflict LocalFqdn(ImportRecord record, string name) =>
        Conflict(record, name, ImportConflictReason.LocalService, $"A local service owns FQDN '{record.Fqdn}'; an import never shadows a local service.");

    private static ImportConflict FqdnTaken(ImportRecord record, string name, ImportRecord holder) =>
        Conflict(record, name, ImportConflictReason.FqdnTaken,
            $"FQDN '{record.Fqdn}' is held by '{holder.LocalName}' of peer '{holder.Peer}' (key '{holder.RemoteKey}'), which claimed it earlier.");

    private static ImportConflict Conflict(ImportRecord record, string name, ImportConflictReason reason, string detail) =>
        new(record.Peer, record.RemoteKey, new ServiceKey(name), reason, detail);

    private static string WonBy(ImportRecord winner, string name) =>
        string.Create(CultureInfo.InvariantCulture, $"Peer '{winner.Peer}' (key '{winner.RemoteKey}') imported '{name}' earlier, first seen {winner.FirstSeen:O}.");

    private void SetConflict(ImportRecord record, ImportConflict? conflict)
    {
        if (Equals(record.Conflict, conflict))
            return;
        _changes.TouchConflict(record);
        record.Conflict = conflict;
        if (conflict is null)
            _conflicts.Remove(record.Id);
        else
            _conflicts[record.Id] = conflict;
    }

    private ImportViewChanges Collect()
    {
        var changes = _changes.Build(name => _slots.GetValueOrDefault(name), out var projectedDelta);
        _projectedCount += projectedDelta;
        if (!changes.ConflictsRaised.IsEmpty || !changes.ConflictsCleared.IsEmpty)
            LogConflicts(changes);
        return changes;
    }

    /// <summary>The entry projected under a name, or <see langword="null"/>; built on first read and kept.</summary>
    private static CatalogEntry? ProjectedBy(object slot) => slot switch
    {
        ImportRecord { Wins: true } alone => alone.Project(),
        NameSlot { Winner: { } winner } shared => shared.Aggregate ?? winner.Project(),
        _ => null,
    };
}
