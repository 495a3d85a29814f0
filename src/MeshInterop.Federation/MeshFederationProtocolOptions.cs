namespace MeshInterop.Federation;

/// <summary>Limits and timers of the Hamlet owner and consumer engines the agent runs.</summary>
public sealed class MeshFederationProtocolOptions
{
    /// <summary>Gets or sets the longest wait for a peer's answer to the oldest outstanding response, before the stream is ended.</summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the most responses the owner keeps unanswered for a peer that asks for a window.</summary>
    /// <value>Default: 64; 1 to 1024.</value>
    public int MaxWindow { get; set; } = 64;

    /// <summary>Gets or sets the window this agent asks of peers when consuming (<c>x-meshinterop-window</c>).</summary>
    /// <value>Default: 1 (plain Hamlet lockstep); 1 to 1024.</value>
    public int Window { get; set; } = 1;

    /// <summary>Gets or sets how many concurrent streams one peer may hold on the owner side.</summary>
    /// <value>Default: 8.</value>
    public int MaxStreamsPerPeer { get; set; } = 8;

    /// <summary>Gets or sets the first reconnect delay after a retryable failure.</summary>
    /// <value>Default: 1 second; at least 1 second (R14).</value>
    public TimeSpan InitialReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest reconnect delay.</summary>
    /// <value>Default: 60 seconds; at least <see cref="InitialReconnectDelay"/>.</value>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the largest gRPC message accepted from a peer, in bytes, on both sides.</summary>
    /// <value>Default: 4 MiB; 64 KiB to 64 MiB.</value>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets whether a TLS authentication failure stops the consumer of a peer instead of retrying (G14).</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool StopOnTlsAuthenticationFailure { get; set; } = true;
}
