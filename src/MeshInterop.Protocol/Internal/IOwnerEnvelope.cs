using Google.Protobuf.WellKnownTypes;

namespace MeshInterop.Protocol.Internal;

/// <summary>
/// What differs between the v1alpha1 and v1alpha2 envelopes on the owner side, so one session implements the
/// owner's behaviour for both. Enum handling stays inside each envelope: the operations are renumbered.
/// </summary>
internal interface IOwnerEnvelope<TRequest, TResponse>
{
    /// <summary>Gets the envelope's name for logs and metrics.</summary>
    string Name { get; }

    InboundRequest ReadRequest(TRequest message);

    TResponse CreateResponse(string nonce, string resourceUrl, string resourceKey, Any resource, OwnerOperation operation, string context);
}
