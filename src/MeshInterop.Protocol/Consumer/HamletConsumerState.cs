namespace MeshInterop.Protocol.Consumer;

/// <summary>Where a consumer's connection to its owner stands.</summary>
public enum HamletConsumerState
{
    /// <summary>Not started, or stopped.</summary>
    Stopped = 0,

    /// <summary>Dialling the owner and subscribing.</summary>
    Connecting,

    /// <summary>Subscribed; responses are being applied.</summary>
    Connected,

    /// <summary>The last stream ended with a retryable error; waiting before the next attempt.</summary>
    WaitingToRetry,

    /// <summary>The last stream ended with a fatal error (for example <c>Unauthenticated</c>); no further attempt is made.</summary>
    Failed,
}

/// <summary>A consumer's status, as shown in peer status and health.</summary>
/// <param name="State">Where the connection stands.</param>
/// <param name="LastError">How the last stream ended, when it ended with an error.</param>
/// <param name="Reconnects">How many times the consumer has dialled again after a stream ended.</param>
/// <param name="SnapshotComplete">Whether the current subscription has received and answered its whole snapshot, as far as the consumer can tell.</param>
public sealed record HamletConsumerStatus(HamletConsumerState State, string? LastError, long Reconnects, bool SnapshotComplete)
{
    /// <summary>Gets whether the consumer will try again by itself.</summary>
    public bool IsRetrying => State == HamletConsumerState.WaitingToRetry || (State == HamletConsumerState.Connecting && Reconnects > 0);
}
