using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Benchmarks.Istio;

/// <summary>
/// The per-object cost of what the adapter does before every apply or render: canonical serialisation, the
/// structural-schema walk against the Istio 1.30.3 ServiceEntry schema, and the ported webhook rules. Target: all of
/// it well under 100 µs per object, so validating a 10,000-object render stays under a second.
/// Reads the CRDs from the shared research data beside the repository (never copied into it).
/// </summary>
[MemoryDiagnoser]
public class IstioValidationBenchmarks
{
    private ServiceEntry _entry = null!;
    private JsonObject _json = null!;
    private CrdSchema _schema = null!;

    [GlobalSetup]
    public void Setup()
    {
        _entry = ImportEntry();
        _json = _entry.ToJsonObject(IstioApiVersion.V1);
        var schemas = CrdSchemaSet.Parse(File.ReadAllText(FindCrds()));
        if (!schemas.TryGetSchemaFor(_json, out var schema))
            throw new InvalidOperationException("The CRD file has no networking.istio.io/v1 ServiceEntry schema.");
        _schema = schema;
    }

    [Benchmark(Baseline = true)]
    public string ToJson() => _entry.ToJson(IstioApiVersion.V1);

    [Benchmark]
    public string ToYaml() => _entry.ToYaml(IstioApiVersion.V1);

    [Benchmark]
    public bool SchemaValidate() => _schema.Validate(_json).IsValid;

    [Benchmark]
    public bool WebhookValidate() => IstioWebhookValidator.Validate(_json).IsValid;

    private static string FindCrds()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in (string[])[Path.Combine(dir.FullName, "shared", "research-data"), Path.Combine(dir.FullName, "..", "shared", "research-data")])
            {
                var path = Path.Combine(candidate, "istio", "istio-1.30.3", "crd-all.gen.yaml");
                if (File.Exists(path))
                    return path;
            }
        }

        throw new InvalidOperationException("Istio research data (shared/research-data/istio) not found beside or above the repository.");
    }

    private static ServiceEntry ImportEntry()
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["app.kubernetes.io/managed-by"] = "meshinterop",
            ["meshinterop.io/peer"] = "south",
            ["meshinterop.io/role"] = "import",
            ["meshinterop.io/service"] = "91c04d7a",
        };
        WorkloadEntrySpec Endpoint(string address) => new()
        {
            Address = address,
            Network = "mi-south",
            Ports = new Dictionary<string, int>(StringComparer.Ordinal) { ["grpc-7070"] = 15443, ["http-8080"] = 15443 },
            Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["security.istio.io/tlsMode"] = "istio", ["topology.istio.io/network"] = "mi-south" },
        };
        return new ServiceEntry
        {
            Metadata = new() { Name = "mi-se-inventory-shop-south-91c04d7a", Namespace = "federation-imports", Labels = labels },
            Spec = new()
            {
                Hosts = ["inventory.shop.svc.south.imports.mesh"],
                Location = ServiceEntryLocation.MeshInternal,
                Resolution = ServiceEntryResolution.Static,
                Ports = [new() { Number = 7070, Name = "grpc-7070", Protocol = "GRPC" }, new() { Number = 8080, Name = "http-8080", Protocol = "HTTP" }],
                Endpoints = [Endpoint("198.51.100.20"), Endpoint("198.51.100.21")],
                ExportTo = ["storefront"],
                SubjectAltNames = ["spiffe://south.example.net/ns/shop/sa/inventory"],
            },
        };
    }
}
