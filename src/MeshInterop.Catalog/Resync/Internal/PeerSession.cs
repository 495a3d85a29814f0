namespace MeshInterop.Catalog.Resync.Internal;

/// <summary>The mutable bookkeeping of one peer's import session. Guarded by the owning <see cref="ImportSessions"/> lock.</summary>
internal sealed class PeerSession(string peer)
{
    internal string Peer { get; } = peer;

    internal ImportSessionState State { get; set; }

    /// <summary>Gets or sets the stream generation; a timer armed for an older generation does nothing when it fires.</summary>
    internal long Generation { get; set; }

    /// <summary>Gets or sets the keys asserted during the running resync; <see langword="null"/> when none runs.</summary>
    internal HashSet<ServiceKey>? Asserted { get; set; }

    internal long? Announced { get; set; }

    internal long Received { get; set; }

    internal ITimer? GraceTimer { get; set; }

    internal ITimer? ExpiryTimer { get; set; }

    internal void StopTimers()
    {
        GraceTimer?.Dispose();
        GraceTimer = null;
        ExpiryTimer?.Dispose();
        ExpiryTimer = null;
    }
}
