using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshInterop.Protocol;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Conformance.Internal;

/// <summary>What a response frame asks the consumer to do, whatever the envelope.</summary>
internal enum KitOperation
{
    Unknown,
    Create,
    Update,
    Upsert,
    Delete,
}

/// <summary>One response an owner target sent, as the kit saw it.</summary>
internal sealed record KitFrame(string Nonce, string ResourceUrl, string ResourceId, Any? Resource, KitOperation Operation, string Context)
{
    /// <summary>Gets the decoded resource, or <see langword="null"/> when it is absent, of another type or does not decode.</summary>
    public IMessage? Decoded { get; } = Decode(Resource);

    /// <summary>Gets the kit name of the service the frame is about.</summary>
    public string Name => Decoded switch
    {
        V2.FederatedService v2 => KitServices.NameOf(v2.Fqdn, v2.Name, ResourceId),
        V1.FederatedService v1 => KitServices.NameOf(v1.Fqdn, v1.Id.Length > 0 ? v1.Id : v1.Name, ResourceId),
        _ => ResourceId,
    };

    public bool IsCreateLike => Operation is KitOperation.Create or KitOperation.Upsert;

    public bool IsUpdateLike => Operation is KitOperation.Update or KitOperation.Upsert;

    public static KitFrame From(V1.StreamResponse response) => new(
        response.Nonce,
        response.ResourceUrl,
        string.Empty,
        response.Resource,
        response.Operation switch
        {
            V1.StreamResponse.Types.Operation.Create => KitOperation.Create,
            V1.StreamResponse.Types.Operation.Update => KitOperation.Update,
            V1.StreamResponse.Types.Operation.Delete => KitOperation.Delete,
            _ => KitOperation.Unknown,
        },
        string.Empty);

    public static KitFrame From(V2.StreamResponse response) => new(
        response.Nonce,
        response.ResourceUrl,
        response.ResourceId,
        response.Resource,
        response.Operation switch
        {
            V2.StreamResponse.Types.Operation.Upsert => KitOperation.Upsert,
            V2.StreamResponse.Types.Operation.Delete => KitOperation.Delete,
            _ => KitOperation.Unknown,
        },
        response.Context);

    public override string ToString() =>
        $"{Operation.ToString().ToUpperInvariant()} '{Name}' nonce='{Nonce}'" + (ResourceId.Length > 0 ? $" resource_id='{ResourceId}'" : string.Empty)
        + (Context.Length > 0 ? $" context='{Context}'" : string.Empty) + $" type='{Resource?.TypeUrl}'";

    private static IMessage? Decode(Any? resource)
    {
        if (resource is null || !HamletResourceTypes.TryResolve(resource.TypeUrl, out var version))
        {
            return null;
        }

        try
        {
            return version == MeshInterop.Catalog.Validation.HamletResourceVersion.V1Alpha2
                ? V2.FederatedService.Parser.ParseFrom(resource.Value)
                : V1.FederatedService.Parser.ParseFrom(resource.Value);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
