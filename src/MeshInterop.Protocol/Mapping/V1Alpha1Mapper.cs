using MeshInterop.Catalog;
using MeshInterop.Protocol.Hamlet.V1Alpha1;

namespace MeshInterop.Protocol.Mapping;

/// <summary>
/// Maps <c>federation.types.v1alpha1.FederatedService</c> to and from the catalog model, field for field.
/// Normalisation (SANs, protocol case) and validation happen in the import pipeline, not here, so the
/// mapping itself loses nothing.
/// </summary>
internal static class V1Alpha1Mapper
{
    /// <summary>The resource key (G1): <c>id</c>, or <c>fqdn</c> when <c>id</c> is empty.</summary>
    public static string KeyOf(FederatedService wire) => wire.Id.Length > 0 ? wire.Id : wire.Fqdn;

    public static CatalogEntry ToCatalog(FederatedService wire, ServiceKey key, CatalogOrigin origin) => new()
    {
        Key = key,
        Name = wire.Name,
        Description = wire.Description,
        Tags = [.. wire.Tags],
        Labels = StringMap.Create(wire.Labels),
        Fqdn = wire.Fqdn,
        Sni = wire.Id,
        SubjectAlternativeNames = wire.San.Length > 0 ? [wire.San] : [],
        Protocols = [.. wire.Protocols],
        Endpoints = [.. wire.Endpoints.Select(e => new CatalogEndpoint { Address = e.Address, Port = WirePort.ToCatalog(e.Port) })],
        Origin = origin,
    };

    public static FederatedService ToWire(CatalogEntry entry)
    {
        var wire = new FederatedService
        {
            Name = entry.Name,
            Description = entry.Description,
            Fqdn = entry.Fqdn,
            Id = entry.Sni,
            // v1alpha1 carries one SAN; entries with several keep the first, as supplied.
            San = entry.SubjectAlternativeNames.IsEmpty ? string.Empty : entry.SubjectAlternativeNames[0],
        };
        wire.Tags.Add(entry.Tags);
        foreach (var label in entry.Labels.Pairs)
        {
            wire.Labels.Add(label.Key, label.Value);
        }

        // v1alpha2-shaped entries carry protocols per instance; v1alpha1 wants them on the service.
        wire.Protocols.Add(entry.Protocols.IsEmpty
            ? entry.Instances.Select(i => i.Protocol).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            : entry.Protocols);
        foreach (var endpoint in entry.Endpoints)
        {
            wire.Endpoints.Add(new FederatedService.Types.Endpoint { Address = endpoint.Address, Port = WirePort.ToWire(endpoint.Port) });
        }

        return wire;
    }
}
