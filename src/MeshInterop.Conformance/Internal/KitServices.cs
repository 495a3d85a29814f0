using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshInterop.Catalog.Validation;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Conformance.Internal;

/// <summary>
/// The services the kit creates, serves and recognises. Every kit service is named <c>conformance-…</c> and has the FQDN
/// <c>{name}.conformance.test</c>, so the kit can recognise it in either resource version whatever key the target uses.
/// </summary>
internal static class KitServices
{
    public const string FqdnSuffix = ".conformance.test";

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>A v1alpha2 service with every field set; <paramref name="revision"/> changes the description and a label.</summary>
    public static V2.FederatedService Service(string name, int revision = 1)
    {
        var service = new V2.FederatedService
        {
            Name = name,
            Description = $"conformance service {name} revision {revision}",
            Fqdn = name + FqdnSuffix,
        };
        service.Tags.Add("conformance");
        service.Labels.Add("app", name);
        service.Labels.Add("revision", revision.ToString(System.Globalization.CultureInfo.InvariantCulture));
        service.Sans.Add($"spiffe://conformance.test/ns/default/sa/{name}");
        var endpoint = new V2.FederatedService.Types.Endpoint { Address = "192.0.2.10", Port = 8443 };
        endpoint.Labels.Add("zone-a");
        service.Endpoints.Add(endpoint);
        var instance = new V2.FederatedService.Types.Instance { Id = name + "-1", Protocol = "HTTP" };
        instance.Metadata.Add("SNI", service.Fqdn);
        instance.EndpointSelector.Add("zone-a");
        service.Instances.Add(instance);
        return service;
    }

    public static string ToJson(V2.FederatedService service) => Formatter.Format(service);

    public static V2.FederatedService ParseJson(string json) => Parser.Parse<V2.FederatedService>(json);

    /// <summary>Packs a kit service as the given resource version, as the kit's owner sends it.</summary>
    public static Any Pack(V2.FederatedService service, HamletResourceVersion version) =>
        version == HamletResourceVersion.V1Alpha2 ? Any.Pack(service) : Any.Pack(ToV1(service));

    public static V1.FederatedService ToV1(V2.FederatedService service)
    {
        var v1 = new V1.FederatedService
        {
            Name = service.Name,
            Description = service.Description,
            Fqdn = service.Fqdn,
            Id = service.Name,
            San = service.Sans.FirstOrDefault() ?? string.Empty,
        };
        v1.Tags.Add(service.Tags);
        v1.Labels.Add(service.Labels);
        v1.Protocols.Add(service.Instances.Select(i => i.Protocol).Distinct(StringComparer.Ordinal));
        v1.Endpoints.Add(service.Endpoints.Select(e => new V1.FederatedService.Types.Endpoint { Address = e.Address, Port = e.Port }));
        return v1;
    }

    /// <summary>The kit name of a service the target sent or lists: from its FQDN, else its name, else the frame's resource ID.</summary>
    public static string NameOf(string fqdn, string name, string resourceId)
    {
        if (fqdn.EndsWith(FqdnSuffix, StringComparison.Ordinal))
        {
            return fqdn[..^FqdnSuffix.Length];
        }

        return name.Length > 0 ? name : resourceId;
    }

    /// <summary>Compares the fields both resource versions carry, and the v1alpha2-only ones when the resource is v1alpha2; returns the first difference.</summary>
    public static string? Difference(V2.FederatedService expected, IMessage? actual)
    {
        switch (actual)
        {
            case V2.FederatedService v2:
                return Compare("fqdn", expected.Fqdn, v2.Fqdn)
                    ?? Compare("description", expected.Description, v2.Description)
                    ?? Compare("tags", string.Join(',', expected.Tags), string.Join(',', v2.Tags))
                    ?? Compare("labels", Labels(expected.Labels), Labels(v2.Labels))
                    ?? Compare("sans", string.Join(',', expected.Sans), string.Join(',', v2.Sans))
                    ?? Compare("endpoints", string.Join(',', expected.Endpoints.Select(e => $"{e.Address}:{e.Port}")), string.Join(',', v2.Endpoints.Select(e => $"{e.Address}:{e.Port}")))
                    ?? Compare("instances", string.Join(',', expected.Instances.Select(i => $"{i.Id}/{i.Protocol.ToUpperInvariant()}")), string.Join(',', v2.Instances.Select(i => $"{i.Id}/{i.Protocol.ToUpperInvariant()}")));
            case V1.FederatedService v1:
                return Compare("fqdn", expected.Fqdn, v1.Fqdn)
                    ?? Compare("description", expected.Description, v1.Description)
                    ?? Compare("tags", string.Join(',', expected.Tags), string.Join(',', v1.Tags))
                    ?? Compare("labels", Labels(expected.Labels), Labels(v1.Labels))
                    ?? Compare("endpoints", string.Join(',', expected.Endpoints.Select(e => $"{e.Address}:{e.Port}")), string.Join(',', v1.Endpoints.Select(e => $"{e.Address}:{e.Port}")));
            default:
                return "the resource is missing or does not decode";
        }
    }

    private static string Labels(Google.Protobuf.Collections.MapField<string, string> labels) =>
        string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));

    private static string? Compare(string field, string expected, string actual) =>
        string.Equals(expected, actual, StringComparison.Ordinal) ? null : $"'{field}' is '{actual}', expected '{expected}'";
}
