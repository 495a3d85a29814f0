using MeshInterop.Catalog;
using MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Mapping;

/// <summary>
/// Maps <c>federation.types.v1alpha2.FederatedService</c> to and from the catalog model, field for field.
/// Normalisation (SANs, metadata keys, protocol case) and validation happen in the import pipeline.
/// </summary>
internal static class V1Alpha2Mapper
{
    public static CatalogEntry ToCatalog(FederatedService wire, ServiceKey key, CatalogOrigin origin) => new()
    {
        Key = key,
        Name = wire.Name,
        Description = wire.Description,
        Tags = [.. wire.Tags],
        Labels = StringMap.Create(wire.Labels),
        Fqdn = wire.Fqdn,
        SubjectAlternativeNames = [.. wire.Sans],
        Endpoints =
        [
            .. wire.Endpoints.Select(e => new CatalogEndpoint
            {
                Address = e.Address,
                Port = WirePort.ToCatalog(e.Port),
                Labels = [.. e.Labels],
                Description = e.Description,
            }),
        ],
        Instances =
        [
            .. wire.Instances.Select(i => new CatalogInstance
            {
                Id = i.Id,
                Protocol = i.Protocol,
                Metadata = StringMap.Create(i.Metadata),
                EndpointSelector = [.. i.EndpointSelector],
                Description = i.Description,
            }),
        ],
        Origin = origin,
    };

    public static FederatedService ToWire(CatalogEntry entry)
    {
        var wire = new FederatedService
        {
            Name = entry.Name.Length > 0 ? entry.Name : entry.Key.Name,
            Description = entry.Description,
            Fqdn = entry.Fqdn,
        };
        wire.Tags.Add(entry.Tags);
        foreach (var label in entry.Labels.Pairs)
        {
            wire.Labels.Add(label.Key, label.Value);
        }

        // Emitted exactly as the application supplied them (7.4).
        wire.Sans.Add(entry.SubjectAlternativeNames);
        foreach (var endpoint in entry.Endpoints)
        {
            var wireEndpoint = new FederatedService.Types.Endpoint
            {
                Address = endpoint.Address,
                Port = WirePort.ToWire(endpoint.Port),
                Description = endpoint.Description,
            };
            wireEndpoint.Labels.Add(endpoint.Labels);
            wire.Endpoints.Add(wireEndpoint);
        }

        foreach (var instance in entry.Instances)
        {
            var wireInstance = new FederatedService.Types.Instance
            {
                Id = instance.Id,
                Protocol = instance.Protocol,
                Description = instance.Description,
            };
            foreach (var pair in instance.Metadata.Pairs)
            {
                wireInstance.Metadata.Add(pair.Key, pair.Value);
            }

            wireInstance.EndpointSelector.Add(instance.EndpointSelector);
            wire.Instances.Add(wireInstance);
        }

        return wire;
    }
}
