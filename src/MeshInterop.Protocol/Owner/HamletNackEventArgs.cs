namespace MeshInterop.Protocol.Owner;

/// <summary>A peer rejected a response.</summary>
/// <param name="peerName">The peer's configured name.</param>
/// <param name="resourceKey">The key of the rejected resource.</param>
/// <param name="code">The gRPC status code of the NACK.</param>
/// <param name="message">The peer's explanation.</param>
public sealed class HamletNackEventArgs(string peerName, string resourceKey, int code, string message) : EventArgs
{
    /// <summary>Gets the peer's configured name.</summary>
    public string PeerName { get; } = peerName;

    /// <summary>Gets the key of the rejected resource.</summary>
    public string ResourceKey { get; } = resourceKey;

    /// <summary>Gets the gRPC status code of the NACK.</summary>
    public int Code { get; } = code;

    /// <summary>Gets the peer's explanation.</summary>
    public string Message { get; } = message;
}
