using System.Globalization;
using MeshInterop.Catalog;

namespace MeshInterop.Conformance.Catalog.Internal;

/// <summary>The entries the suites write by default: plain services that any registry can hold.</summary>
internal static class ConformanceEntries
{
    /// <summary>Creates a service whose content depends on <paramref name="generation"/>, so each generation differs.</summary>
    public static CatalogEntry Create(string name, int generation, CatalogOrigin origin)
    {
        var port = 8000 + generation;
        return new CatalogEntry
        {
            Key = new ServiceKey(name),
            Name = name,
            Fqdn = name + ".conformance.example",
            Labels = StringMap.Create(new KeyValuePair<string, string>("generation", generation.ToString(CultureInfo.InvariantCulture))),
            Endpoints = [new CatalogEndpoint { Address = "192.0.2." + (1 + (generation % 250)).ToString(CultureInfo.InvariantCulture), Port = port }],
            Ports = [new ServicePort { Name = "http", Port = port, Protocol = "HTTP", TargetPort = port }],
            Origin = origin,
        };
    }

    /// <summary>Describes a set of entries by key, for failure messages.</summary>
    public static string Describe(IEnumerable<ServiceKey> keys) =>
        "[" + string.Join(", ", keys.Order().Select(k => "'" + k.Name + "'")) + "]";
}
