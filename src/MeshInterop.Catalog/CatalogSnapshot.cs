using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using MeshInterop.Catalog.Diff;
using MeshInterop.Catalog.Internal;

namespace MeshInterop.Catalog;

/// <summary>
/// An immutable catalog: entries keyed by <see cref="ServiceKey"/>, enumerated in ordinal key order, with a
/// revision that grows by one with every change and a lineage that remembers recent changes.
/// <para/>
/// Deriving a snapshot (<see cref="Update(IEnumerable{CatalogEntry}, IEnumerable{ServiceKey})"/>,
/// <see cref="ReplaceAll(IEnumerable{CatalogEntry})"/>, <see cref="CatalogDiffer.Apply(CatalogSnapshot, CatalogDiff)"/>)
/// shares structure with this one, so k changes cost O(k log n), and records the changes in the lineage, so
/// <see cref="CatalogDiffer.Diff(CatalogSnapshot, CatalogSnapshot)"/> between revisions of one lineage costs
/// O(changes) rather than O(n). Snapshots are safe to share between threads.
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "The house suffix for an immutable catalog state is Snapshot.")]
public sealed class CatalogSnapshot : IReadOnlyCollection<CatalogEntry>
{
    private static readonly ImmutableSortedDictionary<ServiceKey, CatalogEntry> NoEntries =
        ImmutableSortedDictionary.Create<ServiceKey, CatalogEntry>();

    private CatalogSnapshot(ImmutableSortedDictionary<ServiceKey, CatalogEntry> entries, LineageStep step)
    {
        Entries = entries;
        Step = step;
    }

    /// <summary>Gets an empty snapshot at revision 0 of a lineage that many callers share.</summary>
    /// <remarks>Snapshots derived from it by unrelated callers are told apart correctly; use <see cref="Create"/> for a lineage of your own.</remarks>
    public static CatalogSnapshot Empty { get; } = new(NoEntries, LineageStep.Root(new Lineage(Guid.Empty), 0));

    /// <summary>Gets the revision: 0 for a new lineage, plus one for every derived snapshot that changed something.</summary>
    public long Revision => Step.Revision;

    /// <summary>Gets the identifier of the lineage this snapshot belongs to.</summary>
    public Guid LineageId => Step.Lineage.Id;

    /// <inheritdoc/>
    public int Count => Entries.Count;

    /// <summary>Gets the keys in ordinal order.</summary>
    public IEnumerable<ServiceKey> Keys => Entries.Keys;

    internal ImmutableSortedDictionary<ServiceKey, CatalogEntry> Entries { get; }

    internal LineageStep Step { get; }

    /// <summary>Starts a new lineage at revision 0 holding <paramref name="entries"/>.</summary>
    /// <param name="entries">The entries, with distinct keys, in any order.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or an entry is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two entries have the same key.</exception>
    public static CatalogSnapshot Create(IEnumerable<CatalogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var builder = NoEntries.ToBuilder();
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            if (!builder.TryAdd(entry.Key, entry))
            {
                throw new ArgumentException($"The key '{entry.Key}' appears more than once; a catalog holds one entry per key.", nameof(entries));
            }
        }

        return new CatalogSnapshot(builder.ToImmutable(), LineageStep.Root(new Lineage(Guid.NewGuid()), 0));
    }

    /// <summary>Gets the entry with the given key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="entry">The entry, when present.</param>
    /// <returns><see langword="true"/> when the key is present.</returns>
    public bool TryGetValue(ServiceKey key, [NotNullWhen(true)] out CatalogEntry? entry) => Entries.TryGetValue(key, out entry);

    /// <summary>Gets a value indicating whether the key is present.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool ContainsKey(ServiceKey key) => Entries.ContainsKey(key);

    /// <summary>
    /// Returns the next revision with <paramref name="upserts"/> added or replaced and <paramref name="removals"/>
    /// removed, in one revision. Idempotent: entries equal to the current ones and removals of absent keys change
    /// nothing, and when nothing changes this snapshot itself is returned. Within the call a later upsert or
    /// removal of the same key wins over an earlier one, and removals apply after upserts.
    /// </summary>
    /// <param name="upserts">Entries to add or replace.</param>
    /// <param name="removals">Keys to remove.</param>
    /// <returns>The new snapshot, or this one when nothing changed.</returns>
    /// <exception cref="ArgumentNullException">An argument or an entry is <see langword="null"/>.</exception>
    public CatalogSnapshot Update(IEnumerable<CatalogEntry> upserts, IEnumerable<ServiceKey> removals)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(removals);

        // The final value per key (null = removal), in key order: later writes win, removals come last.
        var writes = new List<(ServiceKey Key, int Order, CatalogEntry? Value)>((upserts as IReadOnlyCollection<CatalogEntry>)?.Count ?? 16);
        foreach (var entry in upserts)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(upserts));
            writes.Add((entry.Key, writes.Count, entry));
        }

        foreach (var key in removals)
        {
            writes.Add((key, writes.Count, null));
        }

        if (writes.Count == 0)
        {
            return this;
        }

        writes.Sort(static (a, b) => a.Key.CompareTo(b.Key) is var c && c != 0 ? c : a.Order.CompareTo(b.Order));

        ImmutableSortedDictionary<ServiceKey, CatalogEntry>.Builder? builder = null;
        var changes = ImmutableArray.CreateBuilder<CatalogChange>();
        for (var i = 0; i < writes.Count; i++)
        {
            if (i + 1 < writes.Count && writes[i + 1].Key == writes[i].Key)
            {
                continue;   // a later write to the same key wins
            }

            var (key, _, after) = writes[i];
            Entries.TryGetValue(key, out var before);
            if (ReferenceEquals(before, after) || (before is not null && before.Equals(after)))
            {
                continue;   // unchanged content keeps the existing instance, so later reference checks stay cheap
            }

            builder ??= Entries.ToBuilder();
            if (after is null)
            {
                builder.Remove(key);
            }
            else
            {
                builder[key] = after;
            }

            changes.Add(CatalogChange.Create(key, before, after));
        }

        if (builder is null)
        {
            return this;
        }

        var entries = builder.ToImmutable();
        return new CatalogSnapshot(entries, Step.Next(changes.DrainToImmutable(), entries.Count));
    }

    /// <summary>Returns the next revision with <paramref name="entry"/> added or replaced.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The new snapshot, or this one when the entry is already present with equal content.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    public CatalogSnapshot SetItem(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Update([entry], []);
    }

    /// <summary>Returns the next revision without <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The new snapshot, or this one when the key is absent.</returns>
    public CatalogSnapshot Remove(ServiceKey key) => Update([], [key]);

    /// <summary>
    /// Returns the next revision holding exactly <paramref name="entries"/> (a full desired state, as a registry
    /// list or a resync delivers it). Entries equal to current ones are kept as they are.
    /// </summary>
    /// <param name="entries">The complete new content, with distinct keys.</param>
    /// <returns>The new snapshot, or this one when the content is the same.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or an entry is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two entries have the same key.</exception>
    public CatalogSnapshot ReplaceAll(IEnumerable<CatalogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var desired = entries.ToArray();
        foreach (var entry in desired)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
        }

        Array.Sort(desired, static (a, b) => a.Key.CompareTo(b.Key));
        for (var i = 1; i < desired.Length; i++)
        {
            if (desired[i].Key == desired[i - 1].Key)
            {
                throw new ArgumentException($"The key '{desired[i].Key}' appears more than once; a catalog holds one entry per key.", nameof(entries));
            }
        }

        var diff = CatalogDiffer.Compare(this, desired);
        return diff.IsEmpty ? this : ApplyChecked(diff);
    }

    /// <summary>Gets an enumerator over the entries in ordinal key order.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(Entries.GetEnumerator());

    IEnumerator<CatalogEntry> IEnumerable<CatalogEntry>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => $"CatalogSnapshot(revision {Revision}, {Count} entries)";

    /// <summary>Applies a diff whose old entries must match this snapshot; every change is checked before any applies.</summary>
    internal CatalogSnapshot ApplyChecked(CatalogDiff diff)
    {
        foreach (var change in diff.Changes)
        {
            Entries.TryGetValue(change.Key, out var current);
            if (!ReferenceEquals(current, change.Old) && !Equals(current, change.Old))
            {
                throw new CatalogDiffMismatchException(change.Key, current is not null, change.Old is not null);
            }
        }

        if (diff.IsEmpty)
        {
            return this;
        }

        var builder = Entries.ToBuilder();
        foreach (var change in diff.Changes)
        {
            if (change.New is null)
            {
                builder.Remove(change.Key);
            }
            else
            {
                builder[change.Key] = change.New;
            }
        }

        var entries = builder.ToImmutable();
        return new CatalogSnapshot(entries, Step.Next(diff.Changes, entries.Count));
    }

    /// <summary>Enumerates the entries of a snapshot in ordinal key order.</summary>
    public struct Enumerator : IEnumerator<CatalogEntry>
    {
        private ImmutableSortedDictionary<ServiceKey, CatalogEntry>.Enumerator _inner;

        internal Enumerator(ImmutableSortedDictionary<ServiceKey, CatalogEntry>.Enumerator inner) => _inner = inner;

        /// <inheritdoc/>
        public readonly CatalogEntry Current => _inner.Current.Value;

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc/>
        public bool MoveNext() => _inner.MoveNext();

        /// <inheritdoc/>
        public void Reset() => _inner.Reset();

        /// <inheritdoc/>
        public void Dispose() => _inner.Dispose();
    }
}
