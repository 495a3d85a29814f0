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

    /// <summary>The owner's own subscription to what its peer publishes (symmetric v1alpha2); null where the envelope has none.</summary>
    TResponse? CreateSubscription(string resourceUrl, string context);

    /// <summary>The owner's answer to a response its peer published (symmetric v1alpha2); null where the envelope has none.</summary>
    TResponse? CreateAnswer(string resourceUrl, string nonce, Google.Rpc.Status status, string context);
}
