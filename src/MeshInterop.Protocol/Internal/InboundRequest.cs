namespace MeshInterop.Protocol.Internal;

/// <summary>A consumer's request read from either envelope, or why the frame carrying it is malformed.</summary>
internal readonly record struct InboundRequest(
    string ResourceUrl,
    string ResponseNonce,
    Google.Rpc.Status? Status,
    string Context,
    string? FrameError);
