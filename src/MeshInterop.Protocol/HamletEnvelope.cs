namespace MeshInterop.Protocol;

/// <summary>The Hamlet stream envelope, which decides the gRPC method path and the frame shapes.</summary>
public enum HamletEnvelope
{
    /// <summary><c>federation.resourcediscovery.v1alpha1</c>: the owner is the server; CREATE, UPDATE and DELETE.</summary>
    V1Alpha1 = 0,

    /// <summary><c>federation.resourcediscovery.v1alpha2</c>: <c>BidirectionalStream</c> frames, <c>resource_id</c>, UPSERT and DELETE.</summary>
    V1Alpha2 = 1,
}
