using Google.Protobuf.WellKnownTypes;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Internal;

internal sealed class V1Alpha1OwnerEnvelope : IOwnerEnvelope<V1.StreamRequest, V1.StreamResponse>
{
    public static readonly V1Alpha1OwnerEnvelope Instance = new();

    public string Name => "v1alpha1";

    public InboundRequest ReadRequest(V1.StreamRequest message) =>
        new(message.ResourceUrl, message.ResponseNonce, message.Status, string.Empty, FrameError: null);

    public V1.StreamResponse? CreateSubscription(string resourceUrl, string context) => null;

    public V1.StreamResponse? CreateAnswer(string resourceUrl, string nonce, Google.Rpc.Status status, string context) => null;

    public V1.StreamResponse CreateResponse(string nonce, string resourceUrl, string resourceKey, Any resource, OwnerOperation operation, string context) => new()
    {
        Nonce = nonce,
        ResourceUrl = resourceUrl,
        Resource = resource,
        Operation = operation switch
        {
            OwnerOperation.Create => V1.StreamResponse.Types.Operation.Create,
            OwnerOperation.Update => V1.StreamResponse.Types.Operation.Update,
            OwnerOperation.Delete => V1.StreamResponse.Types.Operation.Delete,
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        },
    };
}

internal sealed class V1Alpha2OwnerEnvelope : IOwnerEnvelope<V2.BidirectionalStream, V2.BidirectionalStream>
{
    public static readonly V1Alpha2OwnerEnvelope Instance = new();

    public string Name => "v1alpha2";

    public InboundRequest ReadRequest(V2.BidirectionalStream message)
    {
        // Two plain fields, not a oneof: MeshInterop requires exactly one per frame.
        if ((message.Request is null) == (message.Response is null))
        {
            var error = message.Request is null
                ? "a BidirectionalStream frame must carry 'request' or 'response'; this one carries neither"
                : "a BidirectionalStream frame must carry exactly one of 'request' and 'response'; this one carries both";
            return new InboundRequest(string.Empty, string.Empty, null, string.Empty, error);
        }

        if (message.Response is { } published)
        {
            // The peer publishes on a symmetric stream; the session refuses it unless symmetric mode is on.
            return new InboundRequest(published.ResourceUrl, string.Empty, null, published.Context, FrameError: null, V1Alpha2ConsumerEnvelope.ToConsumerResponse(published));
        }

        var request = message.Request!;
        return new InboundRequest(request.ResourceUrl, request.ResponseNonce, request.Status, request.Context, FrameError: null);
    }

    public V2.BidirectionalStream CreateSubscription(string resourceUrl, string context) =>
        new() { Request = new V2.StreamRequest { ResourceUrl = resourceUrl, Context = context } };

    public V2.BidirectionalStream CreateAnswer(string resourceUrl, string nonce, Google.Rpc.Status status, string context) =>
        new() { Request = new V2.StreamRequest { ResourceUrl = resourceUrl, ResponseNonce = nonce, Status = status, Context = context } };

    public V2.BidirectionalStream CreateResponse(string nonce, string resourceUrl, string resourceKey, Any resource, OwnerOperation operation, string context) => new()
    {
        Response = new V2.StreamResponse
        {
            Nonce = nonce,
            ResourceUrl = resourceUrl,
            ResourceId = resourceKey,
            Resource = resource,
            Operation = operation switch
            {
                OwnerOperation.Create or OwnerOperation.Update => V2.StreamResponse.Types.Operation.Upsert,
                OwnerOperation.Delete => V2.StreamResponse.Types.Operation.Delete,
                _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
            },
            Context = context,
        },
    };
}
