using MeshInterop.Catalog;

namespace MeshInterop.FunctionalTests.Federation;

/// <summary>Services as a mesh's registry exports them.</summary>
internal static class FederatedServices
{
    public static CatalogEntry Service(string mesh, string name, int port = 8443) => new()
    {
        Key = new ServiceKey(name),
        Name = name,
        Fqdn = $"{name}.{mesh}.example",
        SubjectAlternativeNames = [$"spiffe://{mesh}.example/ns/default/sa/{name}"],
        Endpoints = [new CatalogEndpoint { Address = $"ingress.{mesh}.example", Port = port }],
        Instances = [new CatalogInstance { Id = name, Protocol = "HTTP" }],
    };

    /// <summary>The keys of <paramref name="snapshot"/>, sorted and comma-separated, for exact comparisons.</summary>
    public static string Keys(CatalogSnapshot snapshot) => string.Join(",", snapshot.Keys.Select(k => k.Name).Order(StringComparer.Ordinal));
}
