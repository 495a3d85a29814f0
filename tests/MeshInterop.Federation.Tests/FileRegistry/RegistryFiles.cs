using System.Globalization;
using MeshInterop.Catalog;

namespace MeshInterop.Federation.Tests.FileRegistry;

/// <summary>Registry file content and temporary directories for the file registry tests.</summary>
internal static class RegistryFiles
{
    public static string Service(string name, string address = "127.0.0.1", int port = 15443, string trustDomain = "nsxsm.example") =>
        string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "name": "{{name}}",
              "fqdn": "{{name}}.{{trustDomain}}",
              "subjectAlternativeNames": ["spiffe://{{trustDomain}}/ns/default/sa/{{name}}"],
              "endpoints": [{ "address": "{{address}}", "port": {{port}}, "labels": ["ingress"] }],
              "instances": [{ "id": "{{name}}-v1", "protocol": "HTTP", "endpointSelector": ["ingress"] }]
            }
            """);

    public static string Document(params string[] services) =>
        "{\n  \"services\": [\n" + string.Join(",\n", services) + "\n  ]\n}\n";

    public static CatalogEntry Entry(string name, string address = "127.0.0.1", int port = 15443, string trustDomain = "nsxsm.example") => new()
    {
        Key = new ServiceKey(name),
        Name = name,
        Fqdn = $"{name}.{trustDomain}",
        SubjectAlternativeNames = [$"spiffe://{trustDomain}/ns/default/sa/{name}"],
        Endpoints = [new CatalogEndpoint { Address = address, Port = port, Labels = ["ingress"] }],
        Instances = [new CatalogInstance { Id = name + "-v1", Protocol = "HTTP", EndpointSelector = ["ingress"] }],
    };
}

/// <summary>A directory of its own under the system temporary directory, removed with everything in it.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "meshinterop-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
