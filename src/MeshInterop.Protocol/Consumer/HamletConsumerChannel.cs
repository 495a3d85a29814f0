namespace MeshInterop.Protocol.Consumer;

/// <summary>
/// HTTP/2 settings for a consumer's channel to its owner. The Go reference owner allows a ping at most every
/// 40 seconds and sends GOAWAY <c>too_many_pings</c> after three early ones, so idle streams die against it when a
/// client pings every 20 seconds as the Go reference client does. MeshInterop pings every 60 seconds, only while a
/// stream is open, and gives up on an unanswered ping after 20 seconds.
/// </summary>
public static class HamletConsumerChannel
{
    /// <summary>The interval between keepalive pings on an idle connection.</summary>
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(60);

    /// <summary>How long an unanswered ping may take before the connection is considered dead.</summary>
    public static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Applies the keepalive settings to the handler a consumer's <c>GrpcChannel</c> uses.</summary>
    /// <param name="handler">The handler, typically from <c>SpiffeTls.CreateHttpHandler(HamletConsumerChannel.ConfigureKeepAlive)</c>.</param>
    public static void ConfigureKeepAlive(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.KeepAlivePingDelay = KeepAlivePingDelay;
        handler.KeepAlivePingTimeout = KeepAlivePingTimeout;
        handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests;

        // Streams are long-lived: never recycle a connection under an open subscription.
        handler.PooledConnectionLifetime = Timeout.InfiniteTimeSpan;
        handler.EnableMultipleHttp2Connections = true;
    }
}
