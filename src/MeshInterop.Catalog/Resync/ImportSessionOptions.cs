namespace MeshInterop.Catalog.Resync;

/// <summary>Timing of per-peer import sessions.</summary>
public sealed class ImportSessionOptions
{
    /// <summary>
    /// Gets or sets how long a resync without an announced snapshot size waits with no news (no upsert, delete or
    /// assertion from the peer) before it counts as complete and sweeps.
    /// </summary>
    /// <value>Default: 5 minutes. Must be positive.</value>
    public TimeSpan SnapshotGracePeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how many imports one peer may hold. An upsert of a new key beyond it is refused (and should be
    /// NACKed), so that a peer cannot grow the local catalog without bound.
    /// </summary>
    /// <value>Default: 100,000. Must be positive.</value>
    public int MaxImportsPerPeer { get; set; } = 100_000;

    /// <summary>Gets or sets how long the imports of a disconnected peer are kept; reconnecting cancels the expiry.</summary>
    /// <value>Default: <see langword="null"/>: kept until the peer is removed. <see cref="TimeSpan.Zero"/> also keeps them forever.</value>
    public TimeSpan? DisconnectedTtl { get; set; }
}
