using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Internal;

/// <summary>What a consumer does with one response, before envelope enums are involved.</summary>
internal enum ConsumerOperation
{
    Unknown,
    Upsert,
    Delete,
}

/// <summary>A response read from either envelope.</summary>
internal readonly record struct ConsumerResponse(string Nonce, string ResourceUrl, string ResourceId, Any? Resource, ConsumerOperation Operation);

/// <summary>What differs between the envelopes on the consumer side.</summary>
internal interface IConsumerEnvelope<TRequest, TResponse>
{
    string Name { get; }

    /// <summary>Gets whether resources are keyed by the frame's <c>resource_id</c> (v1alpha2) rather than their content.</summary>
    bool KeyedByResourceId { get; }

    AsyncDuplexStreamingCall<TRequest, TResponse> Start(CallInvoker invoker, CallOptions options);

    TRequest Subscribe(string resourceUrl, string context);

    TRequest Answer(string resourceUrl, string nonce, Google.Rpc.Status status, string context);

    /// <summary>Reads a response; false for frames that carry none (a v1alpha2 peer's own subscription).</summary>
    bool TryRead(TResponse frame, out ConsumerResponse response);

    /// <summary>Reads a request frame from the owner (its subscription or its answers on a symmetric v1alpha2 stream).</summary>
    bool TryReadPeerRequest(TResponse frame, out InboundRequest request);
}

internal sealed class V1Alpha1ConsumerEnvelope : IConsumerEnvelope<V1.StreamRequest, V1.StreamResponse>
{
    public static readonly V1Alpha1ConsumerEnvelope Instance = new();

    public string Name => "v1alpha1";

    public bool KeyedByResourceId => false;

    public AsyncDuplexStreamingCall<V1.StreamRequest, V1.StreamResponse> Start(CallInvoker invoker, CallOptions options) =>
        new V1.DiscoveryService.DiscoveryServiceClient(invoker).EstablishStream(options);

    public V1.StreamRequest Subscribe(string resourceUrl, string context) => new() { ResourceUrl = resourceUrl };

    public V1.StreamRequest Answer(string resourceUrl, string nonce, Google.Rpc.Status status, string context) =>
        new() { ResourceUrl = resourceUrl, ResponseNonce = nonce, Status = status };

    public bool TryReadPeerRequest(V1.StreamResponse frame, out InboundRequest request)
    {
        request = default;
        return false;
    }

    public bool TryRead(V1.StreamResponse frame, out ConsumerResponse response)
    {
        var operation = frame.Operation switch
        {
            // The owner's CREATE and UPDATE are both upserts on the consumer (G7).
            V1.StreamResponse.Types.Operation.Create or V1.StreamResponse.Types.Operation.Update => ConsumerOperation.Upsert,
            V1.StreamResponse.Types.Operation.Delete => ConsumerOperation.Delete,
            _ => ConsumerOperation.Unknown,
        };
        response = new ConsumerResponse(frame.Nonce, frame.ResourceUrl, string.Empty, frame.Resource, operation);
        return true;
    }
}

internal sealed class V1Alpha2ConsumerEnvelope : IConsumerEnvelope<V2.BidirectionalStream, V2.BidirectionalStream>
{
    public static readonly V1Alpha2ConsumerEnvelope Instance = new();

    public string Name => "v1alpha2";

    public bool KeyedByResourceId => true;

    public AsyncDuplexStreamingCall<V2.BidirectionalStream, V2.BidirectionalStream> Start(CallInvoker invoker, CallOptions options) =>
        new V2.DiscoveryService.DiscoveryServiceClient(invoker).EstablishStream(options);

    public V2.BidirectionalStream Subscribe(string resourceUrl, string context) =>
        new() { Request = new V2.StreamRequest { ResourceUrl = resourceUrl, Context = context } };

    public V2.BidirectionalStream Answer(string resourceUrl, string nonce, Google.Rpc.Status status, string context) =>
        new() { Request = new V2.StreamRequest { ResourceUrl = resourceUrl, ResponseNonce = nonce, Status = status, Context = context } };

    public bool TryReadPeerRequest(V2.BidirectionalStream frame, out InboundRequest request)
    {
        if (frame.Request is null || frame.Response is not null)
        {
            request = default;
            return false;
        }

        request = V1Alpha2OwnerEnvelope.Instance.ReadRequest(frame);
        return true;
    }

    public bool TryRead(V2.BidirectionalStream frame, out ConsumerResponse response)
    {
        if (frame.Response is not { } r)
        {
            response = default;
            return false;
        }

        response = ToConsumerResponse(r);
        return true;
    }

    public static ConsumerResponse ToConsumerResponse(V2.StreamResponse r)
    {
        var operation = r.Operation switch
        {
            V2.StreamResponse.Types.Operation.Upsert => ConsumerOperation.Upsert,
            V2.StreamResponse.Types.Operation.Delete => ConsumerOperation.Delete,
            _ => ConsumerOperation.Unknown,
        };
        return new ConsumerResponse(r.Nonce, r.ResourceUrl, r.ResourceId, r.Resource, operation);
    }
}
