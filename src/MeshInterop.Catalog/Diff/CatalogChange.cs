namespace MeshInterop.Catalog.Diff;

/// <summary>One change to one key: an addition, an update (with the old and new entry), or a removal (with the old entry).</summary>
public readonly struct CatalogChange : IEquatable<CatalogChange>
{
    private CatalogChange(ServiceKey key, CatalogEntry? oldEntry, CatalogEntry? newEntry)
    {
        Key = key;
        Old = oldEntry;
        New = newEntry;
    }

    /// <summary>Gets the key that changed.</summary>
    public ServiceKey Key { get; }

    /// <summary>Gets the entry before the change.</summary>
    /// <value><see langword="null"/> for an addition.</value>
    public CatalogEntry? Old { get; }

    /// <summary>Gets the entry after the change.</summary>
    /// <value><see langword="null"/> for a removal.</value>
    public CatalogEntry? New { get; }

    /// <summary>Gets what kind of change this is.</summary>
    public CatalogChangeKind Kind =>
        Old is null ? CatalogChangeKind.Added : New is null ? CatalogChangeKind.Removed : CatalogChangeKind.Updated;

    /// <summary>Creates an addition.</summary>
    /// <param name="entry">The added entry.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    public static CatalogChange Added(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new CatalogChange(entry.Key, null, entry);
    }

    /// <summary>Creates an update.</summary>
    /// <param name="oldEntry">The entry before.</param>
    /// <param name="newEntry">The entry after, with the same key.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ArgumentNullException">An entry is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The keys differ.</exception>
    public static CatalogChange Updated(CatalogEntry oldEntry, CatalogEntry newEntry)
    {
        ArgumentNullException.ThrowIfNull(oldEntry);
        ArgumentNullException.ThrowIfNull(newEntry);
        if (oldEntry.Key != newEntry.Key)
        {
            throw new ArgumentException(
                $"An update keeps its key; '{oldEntry.Key}' became '{newEntry.Key}'. Express a rename as a removal and an addition.",
                nameof(newEntry));
        }

        return new CatalogChange(oldEntry.Key, oldEntry, newEntry);
    }

    /// <summary>Creates a removal.</summary>
    /// <param name="entry">The removed entry.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    public static CatalogChange Removed(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new CatalogChange(entry.Key, entry, null);
    }

    /// <summary>Returns the change that undoes this one.</summary>
    /// <returns>The inverse change.</returns>
    public CatalogChange Inverse() => new(Key, New, Old);

    /// <inheritdoc/>
    public bool Equals(CatalogChange other) => Key == other.Key && Equals(Old, other.Old) && Equals(New, other.New);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is CatalogChange other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Key, Old, New);

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} '{Key}'";

    /// <summary>Compares two changes by content.</summary>
    /// <param name="left">The first change.</param>
    /// <param name="right">The second change.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(CatalogChange left, CatalogChange right) => left.Equals(right);

    /// <summary>Compares two changes by content.</summary>
    /// <param name="left">The first change.</param>
    /// <param name="right">The second change.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(CatalogChange left, CatalogChange right) => !left.Equals(right);

    // For the store and the differ, which already know the pair is consistent.
    internal static CatalogChange Create(ServiceKey key, CatalogEntry? oldEntry, CatalogEntry? newEntry) => new(key, oldEntry, newEntry);
}

/// <summary>The kind of a <see cref="CatalogChange"/>.</summary>
public enum CatalogChangeKind
{
    /// <summary>The key was absent and is now present.</summary>
    Added = 1,

    /// <summary>The key is present before and after, with different content.</summary>
    Updated = 2,

    /// <summary>The key was present and is now absent.</summary>
    Removed = 3,
}
