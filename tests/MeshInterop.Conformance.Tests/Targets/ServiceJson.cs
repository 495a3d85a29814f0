using Google.Protobuf;
using MeshInterop.Catalog;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Conformance.Tests.Targets;

/// <summary>What a vendor's hook does: maps the hook's proto3 JSON services to and from its own model, here the MeshInterop catalog.</summary>
internal static class ServiceJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static CatalogEntry ToEntry(string json)
    {
        var s = Parser.Parse<V2.FederatedService>(json);
        return new CatalogEntry
        {
            Key = new ServiceKey(s.Name),
            Name = s.Name,
            Fqdn = s.Fqdn,
            Description = s.Description,
            Sni = s.Name,
            Tags = [.. s.Tags],
            Labels = StringMap.Create(s.Labels),
            SubjectAlternativeNames = [.. s.Sans],
            Endpoints = [.. s.Endpoints.Select(e => new CatalogEndpoint { Address = e.Address, Port = (int)e.Port, Labels = [.. e.Labels] })],
            Instances =
            [
                .. s.Instances.Select(i => new CatalogInstance
                {
                    Id = i.Id,
                    Protocol = i.Protocol,
                    Metadata = StringMap.Create(i.Metadata),
                    EndpointSelector = [.. i.EndpointSelector],
                }),
            ],
        };
    }

    public static string ToJson(CatalogEntry entry)
    {
        var s = new V2.FederatedService { Name = entry.Name, Fqdn = entry.Fqdn, Description = entry.Description };
        s.Tags.Add(entry.Tags);
        s.Sans.Add(entry.SubjectAlternativeNames);
        foreach (var label in entry.Labels.Pairs)
        {
            s.Labels.Add(label.Key, label.Value);
        }

        foreach (var e in entry.Endpoints)
        {
            var endpoint = new V2.FederatedService.Types.Endpoint { Address = e.Address, Port = (uint)e.Port };
            endpoint.Labels.Add(e.Labels);
            s.Endpoints.Add(endpoint);
        }

        foreach (var i in entry.Instances)
        {
            var instance = new V2.FederatedService.Types.Instance { Id = i.Id, Protocol = i.Protocol };
            foreach (var pair in i.Metadata.Pairs)
            {
                instance.Metadata.Add(pair.Key, pair.Value);
            }

            instance.EndpointSelector.Add(i.EndpointSelector);
            s.Instances.Add(instance);
        }

        return JsonFormatter.Default.Format(s);
    }
}
