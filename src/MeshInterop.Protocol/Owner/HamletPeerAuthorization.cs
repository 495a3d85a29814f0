using Grpc.Core;
using MeshInterop.Catalog.Export;

namespace MeshInterop.Protocol.Owner;

/// <summary>Decides, for each incoming stream, which configured peer is calling and what it may see.</summary>
public interface IHamletPeerAuthorizer
{
    /// <summary>Authenticates and authorises the caller of a stream, typically by the SPIFFE ID of its verified client certificate.</summary>
    /// <param name="context">The call, with its connection.</param>
    /// <returns>The decision.</returns>
    HamletPeerAuthorization Authorize(ServerCallContext context);
}

/// <summary>The outcome of authorising a stream's caller.</summary>
public sealed class HamletPeerAuthorization
{
    private HamletPeerAuthorization(string? peerName, ExportFilter? exports, StatusCode denialCode, string? reason)
    {
        PeerName = peerName;
        Exports = exports;
        DenialCode = denialCode;
        Reason = reason;
    }

    /// <summary>Gets whether the caller may subscribe.</summary>
    public bool IsAllowed => Exports is not null;

    /// <summary>Gets the configured name of the calling peer, when allowed.</summary>
    public string? PeerName { get; }

    /// <summary>Gets what the peer may see, when allowed.</summary>
    public ExportFilter? Exports { get; }

    /// <summary>Gets the status the stream ends with when denied: <c>Unauthenticated</c> or <c>PermissionDenied</c>.</summary>
    public StatusCode DenialCode { get; }

    /// <summary>Gets why the caller was denied.</summary>
    public string? Reason { get; }

    /// <summary>Allows a peer to subscribe to what its export filter selects.</summary>
    /// <param name="peerName">The peer's configured name.</param>
    /// <param name="exports">What it may see.</param>
    /// <returns>The decision.</returns>
    public static HamletPeerAuthorization Allow(string peerName, ExportFilter exports)
    {
        ArgumentException.ThrowIfNullOrEmpty(peerName);
        ArgumentNullException.ThrowIfNull(exports);
        return new HamletPeerAuthorization(peerName, exports, StatusCode.OK, null);
    }

    /// <summary>Refuses a caller whose identity is unknown or unverified (<c>Unauthenticated</c>, never retried).</summary>
    /// <param name="reason">Why; sent to the caller.</param>
    /// <returns>The decision.</returns>
    public static HamletPeerAuthorization Unauthenticated(string reason) => new(null, null, StatusCode.Unauthenticated, reason);

    /// <summary>Refuses a known caller that may not subscribe (<c>PermissionDenied</c>, never retried).</summary>
    /// <param name="reason">Why; sent to the caller.</param>
    /// <returns>The decision.</returns>
    public static HamletPeerAuthorization PermissionDenied(string reason) => new(null, null, StatusCode.PermissionDenied, reason);
}
