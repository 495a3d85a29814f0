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

    /// <summary>Gets or sets how long the imports of a disconnected peer are kept; reconnecting cancels the expiry.</summary>
    /// <value>Default: <see langword="null"/>: kept until the peer is removed. <see cref="TimeSpan.Zero"/> also keeps them forever.</value>
    public TimeSpan? DisconnectedTtl { get; set; }
}
