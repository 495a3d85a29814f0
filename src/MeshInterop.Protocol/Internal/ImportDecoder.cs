using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol.Mapping;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Internal;

/// <summary>The outcome of decoding one response: an entry to upsert, a key to delete, or why it is NACKed.</summary>
internal readonly record struct DecodedResource(CatalogEntry? Entry, ServiceKey Key, StatusCode RejectCode, string? RejectReason)
{
    public bool IsRejected => RejectReason is not null;

    public static DecodedResource Reject(string reason, ServiceKey key = default) => new(null, key, StatusCode.InvalidArgument, reason);
}

/// <summary>
/// Turns the resource of one consumer-side response into catalog data: checks its type against the
/// subscription (dispatch on the type URL, never on parse success), decodes it, derives its key (G1),
/// maps it, normalises SANs and metadata keys (7.4, 7.5) and validates it leniently (G21). It never
/// throws for anything a peer sends; every rejection names what is wrong and where (NACK InvalidArgument).
/// </summary>
internal sealed class ImportDecoder
{
    private const int MaxReasonLength = 2048;

    private readonly HamletResourceVersion _version;
    private readonly bool _keyedByResourceId;
    private readonly string _peer;
    private readonly CatalogEntryValidator _validator;

    /// <param name="version">The subscribed resource version.</param>
    /// <param name="keyedByResourceId">True on the v1alpha2 envelope, whose frames carry <c>resource_id</c>.</param>
    /// <param name="peer">The peer the resources come from, recorded as their origin.</param>
    /// <param name="validation">Validation settings; the mode is lenient by default.</param>
    public ImportDecoder(HamletResourceVersion version, bool keyedByResourceId, string peer, CatalogValidationOptions? validation = null)
    {
        _version = version;
        _keyedByResourceId = keyedByResourceId;
        _peer = peer;
        validation ??= new CatalogValidationOptions();
        validation.ResourceVersion = version;
        _validator = new CatalogEntryValidator(validation);
    }

    public DecodedResource Decode(Any? resource, string resourceId, bool isDelete)
    {
        if (_keyedByResourceId && resourceId.Length == 0)
        {
            return DecodedResource.Reject("'resource_id' is empty; every v1alpha2 response must carry the resource's ID");
        }

        if (resource is null)
        {
            // v1alpha2 DELETEs are keyed by resource_id and need no object (G8).
            return isDelete && _keyedByResourceId
                ? new DecodedResource(null, new ServiceKey(resourceId), StatusCode.OK, null)
                : DecodedResource.Reject("'resource' is missing; the response must carry the complete resource", KeyFromId(resourceId));
        }

        var expected = HamletResourceTypes.TypeUrl(_version);
        if (!HamletResourceTypes.SameType(resource.TypeUrl, expected))
        {
            return DecodedResource.Reject($"'resource.type_url' is '{resource.TypeUrl}', but this stream subscribed to '{expected}'", KeyFromId(resourceId));
        }

        try
        {
            return _version == HamletResourceVersion.V1Alpha1
                ? FromV1(V1.FederatedService.Parser.ParseFrom(resource.Value), resourceId, isDelete)
                : FromV2(V2.FederatedService.Parser.ParseFrom(resource.Value), resourceId, isDelete);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return DecodedResource.Reject($"'resource' does not decode as {resource.TypeUrl}: {ex.Message}", KeyFromId(resourceId));
        }
    }

    private ServiceKey KeyFromId(string resourceId) => _keyedByResourceId && resourceId.Length > 0 ? new ServiceKey(resourceId) : default;

    private DecodedResource FromV1(V1.FederatedService wire, string resourceId, bool isDelete)
    {
        var keyText = _keyedByResourceId ? resourceId : V1Alpha1Mapper.KeyOf(wire);
        if (keyText.Length == 0)
        {
            return DecodedResource.Reject("'id' and 'fqdn' are both empty; a v1alpha1 resource needs one of them as its key");
        }

        var key = new ServiceKey(keyText);
        return isDelete ? new DecodedResource(null, key, StatusCode.OK, null) : Prepare(() => V1Alpha1Mapper.ToCatalog(wire, key, CatalogOrigin.FromPeer(_peer, key)), key);
    }

    private DecodedResource FromV2(V2.FederatedService wire, string resourceId, bool isDelete)
    {
        var keyText = _keyedByResourceId ? resourceId : wire.Name;
        if (keyText.Length == 0)
        {
            return DecodedResource.Reject("'name' is empty; a v1alpha2 resource is keyed by its name");
        }

        var key = new ServiceKey(keyText);
        if (isDelete)
        {
            return new DecodedResource(null, key, StatusCode.OK, null);
        }

        // On the v1alpha2 envelope the key is the resource_id, but the resource still needs its own name (G21).
        return wire.Name.Length == 0
            ? DecodedResource.Reject("'name' is empty; a v1alpha2 resource needs its name", key)
            : Prepare(() => V1Alpha2Mapper.ToCatalog(wire, key, CatalogOrigin.FromPeer(_peer, key)), key);
    }

    private DecodedResource Prepare(Func<CatalogEntry> map, ServiceKey key)
    {
        CatalogEntry entry;
        try
        {
            entry = map();
        }
        catch (ArgumentException ex)
        {
            return DecodedResource.Reject(ex.Message, key);
        }

        if (!TryNormalize(entry, out var normalized, out var problem))
        {
            return DecodedResource.Reject(problem, key);
        }

        var result = _validator.Validate(normalized);
        if (!result.IsValid)
        {
            var reason = string.Join("; ", result.Errors.Select(e => e.ToString()));
            return DecodedResource.Reject(reason.Length <= MaxReasonLength ? reason : reason[..MaxReasonLength] + "...", key);
        }

        return new DecodedResource(normalized, key, StatusCode.OK, null);
    }

    private static bool TryNormalize(CatalogEntry entry, out CatalogEntry normalized, out string problem)
    {
        var instances = entry.Instances;
        for (var i = 0; i < entry.Instances.Length; i++)
        {
            var instance = entry.Instances[i];
            if (!InstanceMetadataKeys.TryNormalize(instance.Metadata, out var metadata, out var conflict))
            {
                normalized = entry;
                problem = string.Create(CultureInfo.InvariantCulture, $"instances[{i}].metadata: the key '{conflict}' appears in different cases with different values");
                return false;
            }

            if (metadata != instance.Metadata)
            {
                instances = instances.SetItem(i, instance with { Metadata = metadata });
            }
        }

        normalized = entry with
        {
            SubjectAlternativeNames = SubjectAlternativeNames.Normalize(entry.SubjectAlternativeNames),
            Instances = instances,
        };
        problem = string.Empty;
        return true;
    }
}
