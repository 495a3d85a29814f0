namespace MeshInterop.Catalog.Resync;

/// <summary>Where the import session of one peer stands.</summary>
public enum ImportSessionState
{
    /// <summary>The peer has no session: never connected, expired or unpeered.</summary>
    None = 0,

    /// <summary>A stream is open and the owner's snapshot is being replayed; the sweep has not run yet.</summary>
    Resyncing = 1,

    /// <summary>A stream is open and the snapshot is complete: imports are exactly what the owner asserted since.</summary>
    Synced = 2,

    /// <summary>No stream is open; the imports are kept (until the disconnected TTL, if any, runs out).</summary>
    Disconnected = 3,
}
