namespace MeshInterop.Federation;

/// <summary>Where the consumer side of a peer stands.</summary>
public enum MeshFederationPeerState
{
    /// <summary>This replica is not the leader, so it does not consume the peer.</summary>
    Standby = 0,

    /// <summary>Dialling the peer or waiting for the stream to be accepted.</summary>
    Connecting = 1,

    /// <summary>A stream to the peer is open.</summary>
    Connected = 2,

    /// <summary>The last stream failed with a retryable error; the agent dials again after a backoff.</summary>
    WaitingToRetry = 3,

    /// <summary>The peer refused this agent or failed fatally (for example <c>PermissionDenied</c>); the agent no longer retries.</summary>
    Failed = 4,
}
