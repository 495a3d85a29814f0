namespace MeshInterop.Catalog.Diff;

/// <summary>
/// A diff did not match the snapshot it was applied to: a change's old entry differs from the entry the snapshot
/// holds for that key. Nothing was applied.
/// </summary>
public sealed class CatalogDiffMismatchException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="CatalogDiffMismatchException"/> class.</summary>
    /// <param name="key">The key whose change did not match.</param>
    /// <param name="snapshotHasKey">Whether the snapshot holds the key.</param>
    /// <param name="diffExpectsKey">Whether the diff expected the key to be present.</param>
    public CatalogDiffMismatchException(ServiceKey key, bool snapshotHasKey, bool diffExpectsKey)
        : base(Describe(key, snapshotHasKey, diffExpectsKey))
    {
        Key = key;
    }

    /// <summary>Gets the key whose change did not match.</summary>
    public ServiceKey Key { get; }

    private static string Describe(ServiceKey key, bool snapshotHasKey, bool diffExpectsKey) => (snapshotHasKey, diffExpectsKey) switch
    {
        (false, true) => $"The diff changes '{key}', which the snapshot does not hold; apply a diff only to the snapshot it was computed from.",
        (true, false) => $"The diff adds '{key}', which the snapshot already holds; apply a diff only to the snapshot it was computed from.",
        _ => $"The diff's old entry for '{key}' differs from the snapshot's; apply a diff only to the snapshot it was computed from.",
    };
}
