namespace MeshInterop.Protocol.Internal;

/// <summary>
/// A frame from the peer read from either envelope: a request (subscription, ACK or NACK), or on a symmetric
/// v1alpha2 stream a response the peer publishes, or why the frame is malformed.
/// </summary>
internal readonly record struct InboundRequest(
    string ResourceUrl,
    string ResponseNonce,
    Google.Rpc.Status? Status,
    string Context,
    string? FrameError,
    ConsumerResponse? Publication = null);
