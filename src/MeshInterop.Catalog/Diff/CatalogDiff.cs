using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace MeshInterop.Catalog.Diff;

/// <summary>
/// The changes between two catalogs, one per key, ordered ordinally by key. Apply it with
/// <see cref="CatalogDiffer.Apply(CatalogSnapshot, CatalogDiff)"/>; <see cref="Inverse"/> undoes it.
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "A diff is named for what it is, not for its collection shape.")]
public sealed class CatalogDiff : IReadOnlyList<CatalogChange>
{
    private CatalogDiff(ImmutableArray<CatalogChange> changes) => Changes = changes;

    /// <summary>Gets the diff with no changes.</summary>
    public static CatalogDiff Empty { get; } = new([]);

    /// <summary>Gets the changes, ordered ordinally by key, at most one per key.</summary>
    public ImmutableArray<CatalogChange> Changes { get; }

    /// <summary>Gets a value indicating whether there are no changes.</summary>
    public bool IsEmpty => Changes.IsEmpty;

    /// <inheritdoc/>
    public int Count => Changes.Length;

    /// <summary>Gets the additions, in key order.</summary>
    public IEnumerable<CatalogChange> Added => Changes.Where(c => c.Kind == CatalogChangeKind.Added);

    /// <summary>Gets the updates (old and new entry), in key order.</summary>
    public IEnumerable<CatalogChange> Updated => Changes.Where(c => c.Kind == CatalogChangeKind.Updated);

    /// <summary>Gets the removals (old entry), in key order.</summary>
    public IEnumerable<CatalogChange> Removed => Changes.Where(c => c.Kind == CatalogChangeKind.Removed);

    /// <inheritdoc/>
    public CatalogChange this[int index] => Changes[index];

    /// <summary>Creates a diff from changes in any order.</summary>
    /// <param name="changes">The changes, at most one per key.</param>
    /// <returns>The diff.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="changes"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A key appears twice, or a change has neither an old nor a new entry.</exception>
    public static CatalogDiff Create(IEnumerable<CatalogChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var array = changes.ToArray();
        foreach (var change in array)
        {
            if (change.Old is null && change.New is null)
            {
                throw new ArgumentException("A change needs an old or a new entry; default(CatalogChange) is not a change.", nameof(changes));
            }
        }

        Array.Sort(array, static (a, b) => a.Key.CompareTo(b.Key));
        for (var i = 1; i < array.Length; i++)
        {
            if (array[i].Key == array[i - 1].Key)
            {
                throw new ArgumentException($"The key '{array[i].Key}' appears in more than one change; a diff holds one change per key.", nameof(changes));
            }
        }

        return array.Length == 0 ? Empty : new CatalogDiff(ImmutableArray.Create(array));
    }

    /// <summary>Returns the diff that undoes this one: additions become removals and updates swap old and new.</summary>
    /// <returns>The inverse diff.</returns>
    public CatalogDiff Inverse()
    {
        if (IsEmpty)
        {
            return this;
        }

        var inverse = new CatalogChange[Changes.Length];
        for (var i = 0; i < inverse.Length; i++)
        {
            inverse[i] = Changes[i].Inverse();
        }

        return new CatalogDiff(ImmutableArray.Create(inverse));
    }

    /// <summary>Gets an enumerator over the changes in key order.</summary>
    /// <returns>The enumerator.</returns>
    public ImmutableArray<CatalogChange>.Enumerator GetEnumerator() => Changes.GetEnumerator();

    IEnumerator<CatalogChange> IEnumerable<CatalogChange>.GetEnumerator() => ((IEnumerable<CatalogChange>)Changes).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)Changes).GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Changes.Length} changes ({Added.Count()} added, {Updated.Count()} updated, {Removed.Count()} removed)";

    // Callers guarantee order and uniqueness (the differ and the snapshot build them sorted).
    internal static CatalogDiff FromSorted(ImmutableArray<CatalogChange> changes) => changes.IsEmpty ? Empty : new CatalogDiff(changes);
}
