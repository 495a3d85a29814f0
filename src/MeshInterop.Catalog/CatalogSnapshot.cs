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
    private CatalogSnapshot(EntryTree entries, LineageStep step)
    {
        Entries = entries;
        Step = step;
    }

    /// <summary>Gets an empty snapshot at revision 0 of a lineage that many callers share.</summary>
    /// <remarks>Snapshots derived from it by unrelated callers are told apart correctly; use <see cref="Create"/> for a lineage of your own.</remarks>
    public static CatalogSnapshot Empty { get; } = new(EntryTree.Empty, LineageStep.Root(new Lineage(Guid.Empty), 0));

    /// <summary>Gets the revision: 0 for a new lineage, plus one for every derived snapshot that changed something.</summary>
    public long Revision => Step.Revision;

    /// <summary>Gets the identifier of the lineage this snapshot belongs to.</summary>
    public Guid LineageId => Step.Lineage.Id;

    /// <inheritdoc/>
    public int Count => Entries.Count;

    /// <summary>Gets the keys in ordinal order.</summary>
    public IEnumerable<ServiceKey> Keys => this.Select(static e => e.Key);

    internal EntryTree Entries { get; }

    internal LineageStep Step { get; }

    /// <summary>Starts a new lineage at revision 0 holding <paramref name="entries"/>.</summary>
    /// <param name="entries">The entries, with distinct keys, in any order.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or an entry is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two entries have the same key.</exception>
    public static CatalogSnapshot Create(IEnumerable<CatalogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var sorted = SortedDistinct(entries, nameof(entries));
        return new CatalogSnapshot(EntryTree.FromSorted(sorted), LineageStep.Root(new Lineage(Guid.NewGuid()), 0));
    }

    /// <summary>Gets the entry with the given key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="entry">The entry, when present.</param>
    /// <returns><see langword="true"/> when the key is present.</returns>
    public bool TryGetValue(ServiceKey key, [NotNullWhen(true)] out CatalogEntry? entry) => Entries.TryGetValue(key, out entry);

    /// <summary>Gets the entry with the given key, or <see langword="null"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The entry, or <see langword="null"/> when the key is absent.</returns>
    public CatalogEntry? Find(ServiceKey key) => Entries.TryGetValue(key, out var entry) ? entry : null;

    /// <summary>Gets a value indicating whether the key is present.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool ContainsKey(ServiceKey key) => Entries.TryGetValue(key, out _);

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

        // Writers usually pass keys in order already (the import view, a diff); checking costs one pass, sorting more.
        var ordered = true;
        for (var i = 1; i < writes.Count && ordered; i++)
        {
            ordered = writes[i - 1].Key < writes[i].Key;
        }

        if (!ordered)
        {
            writes.Sort(static (a, b) => a.Key.CompareTo(b.Key) is var c && c != 0 ? c : a.Order.CompareTo(b.Order));
        }

        var final = new EntryWrite[writes.Count];
        var count = 0;
        for (var i = 0; i < writes.Count; i++)
        {
            if (i + 1 < writes.Count && writes[i + 1].Key == writes[i].Key)
            {
                continue;   // a later write to the same key wins
            }

            final[count++] = new EntryWrite(writes[i].Key, writes[i].Value);
        }

        return Commit(final.AsSpan(0, count));
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
        var desired = SortedDistinct(entries, nameof(entries));
        var diff = CatalogDiffer.Compare(this, desired);
        return diff.IsEmpty ? this : ApplyChecked(diff);
    }

    /// <summary>Gets an enumerator over the entries in ordinal key order.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(Entries);

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

        var writes = new EntryWrite[diff.Count];
        for (var i = 0; i < writes.Length; i++)
        {
            writes[i] = new EntryWrite(diff.Changes[i].Key, diff.Changes[i].New);
        }

        return Commit(writes);
    }

    private static CatalogEntry[] SortedDistinct(IEnumerable<CatalogEntry> entries, string paramName)
    {
        var sorted = entries.ToArray();
        foreach (var entry in sorted)
        {
            ArgumentNullException.ThrowIfNull(entry, paramName);
        }

        var ordered = true;
        for (var i = 1; i < sorted.Length && ordered; i++)
        {
            ordered = sorted[i - 1].Key < sorted[i].Key;
        }

        if (!ordered)
        {
            Array.Sort(sorted, static (a, b) => a.Key.CompareTo(b.Key));
        }

        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Key == sorted[i - 1].Key)
            {
                throw new ArgumentException($"The key '{sorted[i].Key}' appears more than once; a catalog holds one entry per key.", paramName);
            }
        }

        return sorted;
    }

    /// <summary>Applies writes sorted by key with distinct keys as the next revision; this snapshot when nothing changes.</summary>
    private CatalogSnapshot Commit(ReadOnlySpan<EntryWrite> writes)
    {
        var changes = ImmutableArray.CreateBuilder<CatalogChange>(writes.Length);
        var entries = Entries.Update(writes, changes);
        if (changes.Count == 0)
        {
            return this;
        }

        return new CatalogSnapshot(entries, Step.Next(changes.DrainToImmutable(), entries.Count));
    }

    /// <summary>Enumerates the entries of a snapshot in ordinal key order.</summary>
    public struct Enumerator : IEnumerator<CatalogEntry>
    {
        private readonly EntryTree _tree;
        private EntryTree.Enumerator _inner;

        internal Enumerator(EntryTree tree)
        {
            _tree = tree;
            _inner = tree.GetEnumerator();
        }

        /// <inheritdoc/>
        public readonly CatalogEntry Current => _inner.Current;

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc/>
        public bool MoveNext() => _inner.MoveNext();

        /// <inheritdoc/>
        public void Reset() => _inner = _tree.GetEnumerator();

        /// <inheritdoc/>
        public readonly void Dispose()
        {
        }
    }
}
