using Grpc.Core;
using MeshInterop.Protocol.Internal;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Owner;

/// <summary>The v1alpha1 <c>DiscoveryService</c> of a <see cref="HamletOwner"/>, for any gRPC server.</summary>
/// <param name="owner">The owner it serves.</param>
public sealed class HamletOwnerV1Alpha1Service(HamletOwner owner) : V1.DiscoveryService.DiscoveryServiceBase
{
    /// <inheritdoc />
    public override Task EstablishStream(IAsyncStreamReader<V1.StreamRequest> requestStream, IServerStreamWriter<V1.StreamResponse> responseStream, ServerCallContext context) =>
        owner.ServeAsync(V1Alpha1OwnerEnvelope.Instance, owner.V1Alpha1Settings, requestStream, responseStream, context);
}

/// <summary>The v1alpha2 <c>DiscoveryService</c> of a <see cref="HamletOwner"/>, for any gRPC server.</summary>
/// <param name="owner">The owner it serves.</param>
public sealed class HamletOwnerV1Alpha2Service(HamletOwner owner) : V2.DiscoveryService.DiscoveryServiceBase
{
    /// <inheritdoc />
    public override Task EstablishStream(IAsyncStreamReader<V2.BidirectionalStream> requestStream, IServerStreamWriter<V2.BidirectionalStream> responseStream, ServerCallContext context) =>
        owner.ServeAsync(V1Alpha2OwnerEnvelope.Instance, owner.V1Alpha2Settings, requestStream, responseStream, context);
}
