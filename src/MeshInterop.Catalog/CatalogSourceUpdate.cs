using System.Collections.Immutable;

namespace MeshInterop.Catalog;

/// <summary>One update from an <see cref="ICatalogSource"/>: a full state, or changes, possibly completing the initial state.</summary>
public sealed class CatalogSourceUpdate
{
    private CatalogSourceUpdate(bool isFullState, ImmutableArray<CatalogEntry> upserts, ImmutableArray<ServiceKey> removals, bool completesInitialState)
    {
        IsFullState = isFullState;
        Upserts = upserts;
        Removals = removals;
        CompletesInitialState = completesInitialState;
    }

    /// <summary>Gets the marker that ends an initial state delivered in pages, carrying no changes of its own.</summary>
    public static CatalogSourceUpdate InitialStateComplete { get; } = new(false, [], [], true);

    /// <summary>Gets a value indicating whether <see cref="Upserts"/> is the complete state, replacing everything before it.</summary>
    public bool IsFullState { get; }

    /// <summary>Gets the entries added or changed (the complete state when <see cref="IsFullState"/>).</summary>
    public ImmutableArray<CatalogEntry> Upserts { get; }

    /// <summary>Gets the keys removed; always empty for a full state.</summary>
    public ImmutableArray<ServiceKey> Removals { get; }

    /// <summary>Gets a value indicating whether the source has now delivered its complete initial state; true for every full state.</summary>
    public bool CompletesInitialState { get; }

    /// <summary>Creates a full-state update: the registry's complete exports, replacing everything delivered before.</summary>
    /// <param name="entries">The complete state, with distinct keys.</param>
    /// <returns>The update.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or an entry is <see langword="null"/>.</exception>
    public static CatalogSourceUpdate FullState(IEnumerable<CatalogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var upserts = entries.ToImmutableArray();
        foreach (var entry in upserts)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
        }

        return new CatalogSourceUpdate(true, upserts, [], true);
    }

    /// <summary>Creates a change update.</summary>
    /// <param name="upserts">Entries added or changed.</param>
    /// <param name="removals">Keys removed.</param>
    /// <param name="completesInitialState">Whether this is the last page of the initial state.</param>
    /// <returns>The update.</returns>
    /// <exception cref="ArgumentNullException">An argument or an entry is <see langword="null"/>.</exception>
    public static CatalogSourceUpdate Changes(IEnumerable<CatalogEntry> upserts, IEnumerable<ServiceKey> removals, bool completesInitialState = false)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(removals);
        var entries = upserts.ToImmutableArray();
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(upserts));
        }

        return new CatalogSourceUpdate(false, entries, removals.ToImmutableArray(), completesInitialState);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        IsFullState ? $"full state of {Upserts.Length} entries"
        : $"{Upserts.Length} upserts, {Removals.Length} removals{(CompletesInitialState ? ", initial state complete" : string.Empty)}";
}
