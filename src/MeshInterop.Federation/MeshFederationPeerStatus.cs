namespace MeshInterop.Federation;

/// <summary>A point-in-time view of one peer.</summary>
public sealed class MeshFederationPeerStatus
{
    /// <summary>Gets the peer's configured name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets where the consumer side of the peer stands.</summary>
    public MeshFederationPeerState State { get; init; }

    /// <summary>Gets a value indicating whether a stream to the peer is open.</summary>
    public bool IsConnected => State == MeshFederationPeerState.Connected;

    /// <summary>Gets a value indicating whether the agent is retrying after a failure.</summary>
    public bool IsRetrying => State == MeshFederationPeerState.WaitingToRetry;

    /// <summary>Gets when the peer's last full resync completed (its snapshot received and stale imports swept).</summary>
    /// <value><see langword="null"/> until one completes in the current leadership.</value>
    public DateTimeOffset? LastFullSync { get; init; }

    /// <summary>Gets when the last change from the peer was applied to the import view.</summary>
    /// <value><see langword="null"/> until one is applied in the current leadership.</value>
    public DateTimeOffset? LastChange { get; init; }

    /// <summary>Gets the reason the last stream ended, or why the peer failed.</summary>
    /// <value><see langword="null"/> while healthy.</value>
    public string? LastError { get; init; }

    /// <summary>Gets how many times the agent dialled the peer again after a stream ended, in the current leadership.</summary>
    public long Reconnects { get; init; }

    /// <summary>Gets how many imports from the peer the import view holds.</summary>
    public int ImportedServices { get; init; }
}
