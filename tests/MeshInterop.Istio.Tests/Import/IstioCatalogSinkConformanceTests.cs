using System.Text.Json.Nodes;
using MeshInterop.Catalog;
using MeshInterop.Conformance.Catalog;
using MeshInterop.Istio.Import;
using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Internal.Import;
using MeshInterop.Testing.FakeKubernetes;

namespace MeshInterop.Istio.Tests.Import;

/// <summary>
/// The shared sink suite against the Istio sink over the loopback fake API server. The registry is read back from the
/// ServiceEntries themselves: the import's key from its annotation, host, ports, endpoints and SANs from the spec.
/// </summary>
public sealed class IstioCatalogSinkConformanceTests : CatalogSinkConformanceTests<IstioCatalogSink>, IAsyncDisposable
{
    private FakeKubernetesServer? _server;
    private k8s.Kubernetes? _client;
    private IstioCatalogSink? _sink;

    protected override async Task<IstioCatalogSink> CreateSinkAsync(CancellationToken cancellationToken)
    {
        (_server, _client, _sink) = await IstioCatalogSinkTests.StartAsync(cancellationToken);
        return _sink;
    }

    // Istio verifies imports by SPIFFE ID; an import without one is refused, so the suite's entries carry one.
    protected override CatalogEntry CreateEntry(string name, int generation) =>
        base.CreateEntry(name, generation) with { SubjectAlternativeNames = ["spiffe://conformance.example/ns/default/sa/" + name] };

    protected override Task<IReadOnlyCollection<CatalogEntry>> ReadManagedEntriesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyCollection<CatalogEntry>>([.. ServiceEntries(managed: true)]);

    protected override Task AddUnmanagedEntryAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        _server!.Seed("serviceentries", new JsonObject
        {
            ["apiVersion"] = "networking.istio.io/v1",
            ["kind"] = "ServiceEntry",
            ["metadata"] = new JsonObject
            {
                ["name"] = entry.Key.Name,
                ["namespace"] = "mesh-imports",
                ["annotations"] = new JsonObject { [IstioObjectNaming.CatalogKeyAnnotation] = entry.Key.Name },
            },
            ["spec"] = new JsonObject
            {
                ["hosts"] = new JsonArray(entry.Fqdn),
                ["ports"] = new JsonArray([.. entry.Ports.Select(p => (JsonNode)new JsonObject { ["name"] = "http-" + p.Port, ["number"] = p.Port, ["protocol"] = p.Protocol })]),
            },
        }, manager: "kubectl");
        return Task.CompletedTask;
    }

    protected override Task<IReadOnlyCollection<CatalogEntry>> ReadUnmanagedEntriesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyCollection<CatalogEntry>>([.. ServiceEntries(managed: false)]);

    // What a ServiceEntry can say: key, host, service ports and protocols, endpoint addresses and ports, SANs.
    protected override bool AreEquivalent(CatalogEntry applied, CatalogEntry readBack) =>
        applied.Key == readBack.Key
        && string.Equals(applied.Fqdn, readBack.Fqdn, StringComparison.Ordinal)
        && applied.Ports.Select(p => (p.Port, p.Protocol)).SequenceEqual(readBack.Ports.Select(p => (p.Port, p.Protocol)))
        && applied.Endpoints.Select(e => (e.Address, e.Port)).SequenceEqual(readBack.Endpoints.Select(e => (e.Address, e.Port)))
        && applied.SubjectAlternativeNames.SequenceEqual(readBack.SubjectAlternativeNames);

    public async ValueTask DisposeAsync()
    {
        _sink?.Dispose();
        _client?.Dispose();
        if (_server is not null)
            await _server.DisposeAsync();
    }

    private IEnumerable<CatalogEntry> ServiceEntries(bool managed) =>
        _server!.List("networking.istio.io", "serviceentries")
            .Where(o => (o["metadata"]!["labels"]?[IstioObjectNaming.ManagedByLabel] is not null) == managed)
            .Select(o => new CatalogEntry
            {
                Key = new ServiceKey((string)o["metadata"]!["annotations"]![ImportObjectBuilder.CatalogKeyAnnotation]!),
                Name = (string)o["metadata"]!["annotations"]![ImportObjectBuilder.CatalogKeyAnnotation]!,
                Fqdn = (string)o["spec"]!["hosts"]![0]!,
                Ports = [.. (o["spec"]!["ports"]?.AsArray() ?? []).Select(p => new ServicePort { Port = (int)p!["number"]!, Protocol = (string?)p["protocol"] ?? string.Empty })],
                Endpoints = [.. (o["spec"]!["endpoints"]?.AsArray() ?? []).Select(e => new CatalogEndpoint { Address = (string)e!["address"]!, Port = e["ports"]!.AsObject().Select(p => (int)p.Value!).First() })],
                SubjectAlternativeNames = [.. (o["spec"]!["subjectAltNames"]?.AsArray() ?? []).Select(s => (string)s!)],
            });
}
