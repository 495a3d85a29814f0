using MeshInterop.Catalog;
using MeshInterop.Conformance.Catalog;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Tests.ConsulDouble;
using MeshInterop.Consul.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshInterop.Consul.Tests.Conformance;

/// <summary>
/// The catalog sink conformance suite against the Consul import sink and the double. Consul keeps what an import
/// needs to be dialled (name, endpoints, FQDN, SNI, health, origin); labels and service ports have no place in a
/// catalog registration, so equivalence compares what Consul holds.
/// </summary>
public sealed class ConsulImportSinkConformanceTests : CatalogSinkConformanceTests<ConsulImportSink>, IAsyncLifetime
{
    private const string Owner = "mi-conformance";
    private const string AppNode = "app-01";
    private FakeConsulServer? _server;
    private ConsulTestClient? _test;
    private MeshInterop.Consul.Internal.Import.ConsulImportSink? _sink;

    private ConsulHttpClient Client => _test!.Client;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _sink?.Dispose();
        _test?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    protected override async Task<ConsulImportSink> CreateSinkAsync(CancellationToken cancellationToken)
    {
        _server = await FakeConsulServer.StartAsync(null, cancellationToken);
        _test = ConsulTestClient.Create(_server.Address);
        await Client.DetectEditionAsync(cancellationToken);
        _sink = new MeshInterop.Consul.Internal.Import.ConsulImportSink(Client, new ConsulImportOptions { OwnerId = Owner }, _test.Metrics, NullLogger<MeshInterop.Consul.Internal.Import.ConsulImportSink>.Instance);
        return new ConsulImportSink(_sink);
    }

    protected override async Task<IReadOnlyCollection<CatalogEntry>> ReadManagedEntriesAsync(CancellationToken cancellationToken)
    {
        var entries = new List<CatalogEntry>();
        var nodes = await Client.GetNodesAsync(new ConsulQuery { NodeMeta = "meshinterop-owner:" + Owner }, cancellationToken);
        foreach (var node in nodes.Value)
        {
            var services = (await Client.GetNodeServicesAsync(node.Node, ConsulQuery.Default, cancellationToken)).Value!.Services ?? [];
            var checks = (await Client.GetNodeChecksAsync(node.Node, ConsulQuery.Default, cancellationToken)).Value;
            foreach (var group in services.Where(s => s.Meta?.GetValueOrDefault("meshinterop-owner") == Owner).GroupBy(s => s.Service, StringComparer.Ordinal))
            {
                var meta = group.First().Meta!;
                var status = checks.First(c => c.ServiceID == group.First().ID).Status;
                entries.Add(new CatalogEntry
                {
                    Key = new ServiceKey(group.Key),
                    Name = group.Key,
                    Fqdn = meta.GetValueOrDefault("meshinterop-fqdn", string.Empty),
                    Sni = meta.GetValueOrDefault("meshinterop-sni", string.Empty),
                    Endpoints = [.. group.Select(s => new CatalogEndpoint { Address = s.Address!, Port = s.Port })],
                    Health = status switch { "warning" => ServiceHealth.Warning, "critical" => ServiceHealth.Critical, _ => ServiceHealth.Passing },
                    Origin = CatalogOrigin.FromPeer(meta["meshinterop-peer"], new ServiceKey(meta["meshinterop-origin"])),
                });
            }
        }

        return entries;
    }

    protected override async Task AddUnmanagedEntryAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var endpoint = entry.Endpoints[0];
        Assert.True(await Client.RegisterAsync(new CatalogRegistration
        {
            Node = AppNode,
            Address = "10.0.0.7",
            Service = new AgentService { ID = entry.Key.Name + "-1", Service = entry.Key.Name, Address = endpoint.Address, Port = endpoint.Port },
        }, cancellationToken));
    }

    protected override async Task<IReadOnlyCollection<CatalogEntry>> ReadUnmanagedEntriesAsync(CancellationToken cancellationToken)
    {
        var names = (await Client.GetServicesAsync(ConsulQuery.Default, cancellationToken)).Value.Keys.Where(n => n != "consul").Order(StringComparer.Ordinal);
        var entries = new List<CatalogEntry>();
        foreach (var name in names)
        {
            var rows = (await Client.GetServiceAsync(name, ConsulQuery.Default, cancellationToken)).Value.Where(r => r.ServiceMeta?.GetValueOrDefault("meshinterop-owner") != Owner).ToList();
            if (rows.Count > 0)
            {
                entries.Add(new CatalogEntry
                {
                    Key = new ServiceKey(name),
                    Name = name,
                    Endpoints = [.. rows.Select(r => new CatalogEndpoint { Address = r.ServiceAddress ?? string.Empty, Port = r.ServicePort })],
                });
            }
        }

        return entries;
    }

    protected override bool AreEquivalent(CatalogEntry applied, CatalogEntry readBack)
    {
        ArgumentNullException.ThrowIfNull(applied);
        ArgumentNullException.ThrowIfNull(readBack);

        // Hamlet carries no health: an import of unknown health is written as passing.
        var health = applied.Health == ServiceHealth.Unknown ? ServiceHealth.Passing : applied.Health;
        return applied.Key == readBack.Key
            && applied.Fqdn == readBack.Fqdn
            && applied.Sni == readBack.Sni
            && health == readBack.Health
            && applied.Origin == readBack.Origin
            && applied.Endpoints.Select(e => (e.Address, e.Port)).ToHashSet().SetEquals(readBack.Endpoints.Select(e => (e.Address, e.Port)));
    }
}
