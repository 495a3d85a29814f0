using System.Text.Json;
using MeshInterop.Catalog;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Internal.Export;
using MeshInterop.Consul.Tests.ConsulDouble;
using MeshInterop.Consul.Tests.TestSupport;
using Microsoft.Extensions.Logging.Testing;

namespace MeshInterop.Consul.Tests.Internal.Export;

/// <summary>The export source against the double: selection, loop guard, gateways, changes and failures.</summary>
public sealed class ConsulExportSourceTests : IAsyncLifetime
{
    private const string Consumer = "meshinterop-emea";
    private FakeConsulServer _server = null!;
    private ConsulTestClient _test = null!;
    private readonly FakeLogger<ConsulExportSource> _logger = new();

    private ConsulHttpClient Client => _test.Client;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeConsulServer.StartAsync(null, TestContext.Current.CancellationToken);

        // Real time with a fast pace: no test waits on the clock, but a watch may take its next token quickly.
        _test = ConsulTestClient.Create(_server.Address, configure: o =>
        {
            o.WatchRateInterval = TimeSpan.FromMilliseconds(10);
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        });
        await Client.DetectEditionAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _test.Dispose();
        await _server.DisposeAsync();
    }

    private Task<bool> RegisterAsync(string node, string service, string id, int port, string status = "passing",
        string[]? tags = null, Dictionary<string, string>? meta = null, string kind = "", Dictionary<string, ServiceAddress>? tagged = null) =>
        Client.RegisterAsync(new CatalogRegistration
        {
            Node = node,
            Address = "10.20.0." + (Math.Abs(node.GetHashCode(StringComparison.Ordinal)) % 200 + 1),
            Service = new AgentService { ID = id, Service = service, Port = port, Tags = tags is null ? null : [.. tags], Meta = meta, Kind = kind, TaggedAddresses = tagged },
            Checks = [new HealthCheck { CheckID = "service:" + id, Name = "check", Status = status, ServiceID = id }],
        }, TestContext.Current.CancellationToken);

    private Task<bool> ExportAsync(params string[] services) =>
        Client.SetConfigEntryAsync(new ConfigEntry
        {
            Kind = "exported-services",
            Name = "default",
            Fields = new()
            {
                ["Services"] = JsonSerializer.SerializeToElement(services.Select(s => new { Name = s, Consumers = new[] { new { Peer = Consumer } } }).ToArray()),
            },
        }, cas: null, TestContext.Current.CancellationToken);

    private ConsulExportSource Source(Action<ConsulExportOptions>? configure = null)
    {
        var options = new ConsulExportOptions { ExportedServicesConsumer = Consumer, TrustDomain = "7f3c1a2b.consul" };
        configure?.Invoke(options);
        return new ConsulExportSource(Client, options, _test.Metrics, _logger);
    }

    private sealed class Updates(IAsyncEnumerable<CatalogSourceUpdate> source) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        private IAsyncEnumerator<CatalogSourceUpdate>? _enumerator;

        public async Task<CatalogSourceUpdate> NextAsync()
        {
            _enumerator ??= source.GetAsyncEnumerator(_stop.Token);
            Assert.True(await _enumerator.MoveNextAsync());
            return _enumerator.Current;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_enumerator is not null)
            {
                try
                {
                    await _enumerator.DisposeAsync();
                }
                catch (OperationCanceledException)
                {
                    // Stopped while waiting: expected.
                }
            }

            _stop.Dispose();
        }
    }

    [Fact]
    public async Task WatchAsync_ExportedServicesEntry_SendsFullStateWithInstancesHealthAndMeshNames()
    {
        await RegisterAsync("app-01", "billing", "billing-1", 9090, meta: new() { ["protocol"] = "http", ["version"] = "2" });
        await RegisterAsync("app-02", "billing", "billing-2", 9090, status: "warning", meta: new() { ["protocol"] = "http", ["version"] = "2" });
        await RegisterAsync("app-03", "orders", "orders-1", 8080);
        await ExportAsync("billing");
        await using var updates = new Updates(Source().WatchAsync(TestContext.Current.CancellationToken));

        var first = await updates.NextAsync();

        Assert.True(first.IsFullState);
        var billing = Assert.Single(first.Upserts);
        Assert.Equal(new ServiceKey("billing"), billing.Key);
        Assert.Equal("billing.service.dc1.consul", billing.Fqdn);
        Assert.Equal("billing.default.dc1.internal.7f3c1a2b.consul", billing.Sni);
        Assert.Equal(["spiffe://7f3c1a2b.consul/ns/default/dc/dc1/svc/billing"], billing.SubjectAlternativeNames);
        Assert.Equal(ServiceHealth.Warning, billing.Health);
        Assert.Equal(["billing-1", "billing-2"], billing.Instances.Select(i => i.Id));
        Assert.All(billing.Instances, i => Assert.Equal("HTTP", i.Protocol));
        Assert.Equal(2, billing.Endpoints.Length);
        Assert.Equal("2", billing.Labels["version"]);
        Assert.Equal(CatalogOrigin.Local, billing.Origin);
        Assert.True(new MeshInterop.Catalog.Validation.CatalogEntryValidator().Validate(billing).IsValid);
    }

    [Fact]
    public async Task WatchAsync_WithoutConfiguredTrustDomain_ReadsItFromTheConnectCa()
    {
        await RegisterAsync("app-01", "billing", "billing-1", 9090);
        await ExportAsync("billing");
        await using var updates = new Updates(Source(o => o.TrustDomain = null).WatchAsync(TestContext.Current.CancellationToken));

        var billing = Assert.Single((await updates.NextAsync()).Upserts);

        Assert.Equal("billing.default.dc1.internal.11111111-2222-3333-4444-555555555555.consul", billing.Sni);
    }

    [Fact]
    public async Task WatchAsync_ConnectOff_ExportsWithoutSniOrSan()
    {
        _server.ConnectTrustDomain = null;
        await RegisterAsync("app-01", "billing", "billing-1", 9090);
        await ExportAsync("billing");
        await using var updates = new Updates(Source(o => o.TrustDomain = null).WatchAsync(TestContext.Current.CancellationToken));

        var billing = Assert.Single((await updates.NextAsync()).Upserts);

        Assert.Equal(string.Empty, billing.Sni);
        Assert.Empty(billing.SubjectAlternativeNames);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Name == "TrustDomainUnavailable");
    }

    [Fact]
    public async Task WatchAsync_ImportedInstances_AreNeverExported()
    {
        await RegisterAsync("app-01", "billing", "billing-1", 9090);
        await RegisterAsync("meshinterop-emea", "billing", "billing-imported", 8443, meta: new() { ["external-source"] = "meshinterop" });
        await RegisterAsync("meshinterop-emea", "emea-orders", "emea-orders-1", 8443, tags: ["meshinterop"]);
        await ExportAsync("billing", "emea-orders");
        await using var updates = new Updates(Source().WatchAsync(TestContext.Current.CancellationToken));

        var first = await updates.NextAsync();

        var billing = Assert.Single(first.Upserts);
        Assert.Equal(["billing-1"], billing.Instances.Select(i => i.Id));
    }

    [Fact]
    public async Task WatchAsync_Changes_SendOnlyWhatChanged()
    {
        await RegisterAsync("app-01", "billing", "billing-1", 9090);
        await RegisterAsync("app-02", "orders", "orders-1", 8080);
        await ExportAsync("billing", "orders");
        await using var updates = new Updates(Source().WatchAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, (await updates.NextAsync()).Upserts.Length);

        await RegisterAsync("app-03", "billing", "billing-2", 9090);
        var added = await updates.NextAsync();
        Assert.False(added.IsFullState);
        Assert.Equal(["billing-1", "billing-2"], Assert.Single(added.Upserts).Instances.Select(i => i.Id));
        Assert.Empty(added.Removals);

        await ExportAsync("billing");
        var withdrawn = await updates.NextAsync();
        Assert.Empty(withdrawn.Upserts);
        Assert.Equal([new ServiceKey("orders")], withdrawn.Removals);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Name == "ServiceUnselected");

        await Client.DeregisterAsync(new CatalogDeregistration { Node = "app-01", ServiceID = "billing-1" }, TestContext.Current.CancellationToken);
        await Client.DeregisterAsync(new CatalogDeregistration { Node = "app-03", ServiceID = "billing-2" }, TestContext.Current.CancellationToken);
        var gone = await updates.NextAsync();
        if (gone.Upserts.Length == 1)
        {
            // The two deregistrations may arrive in one answer or in two.
            gone = await updates.NextAsync();
        }

        Assert.Equal([new ServiceKey("billing")], gone.Removals);
    }

    [Fact]
    public async Task WatchAsync_TagSelection_ExportsOnlyTaggedInstances()
    {
        await RegisterAsync("app-01", "billing", "billing-1", 9090, tags: ["federate"]);
        await RegisterAsync("app-02", "billing", "billing-2", 9090);
        await RegisterAsync("app-03", "orders", "orders-1", 8080);
        await using var updates = new Updates(Source(o =>
        {
            o.ExportedServicesConsumer = null;
            o.ExportTag = "federate";
        }).WatchAsync(TestContext.Current.CancellationToken));

        var first = await updates.NextAsync();

        var billing = Assert.Single(first.Upserts);
        Assert.Equal(["billing-1"], billing.Instances.Select(i => i.Id));
        Assert.Equal(["federate"], billing.Tags);
    }

    [Fact]
    public async Task WatchAsync_MeshGateway_BecomesTheEndpointPeersDial()
    {
        await RegisterAsync("app-01", "billing", "billing-1", 9090);
        await RegisterAsync("gw-01", "mesh-gateway", "mesh-gateway-1", 8443, kind: "mesh-gateway",
            tagged: new() { ["wan"] = new ServiceAddress { Address = "203.0.113.7", Port = 443 } });
        await ExportAsync("billing", "mesh-gateway");
        await using var updates = new Updates(Source().WatchAsync(TestContext.Current.CancellationToken));

        var first = await updates.NextAsync();

        var billing = Assert.Single(first.Upserts);
        var endpoint = Assert.Single(billing.Endpoints);
        Assert.Equal(("203.0.113.7", 443), (endpoint.Address, endpoint.Port));
        Assert.Empty(Assert.Single(billing.Instances).EndpointSelector);

        await RegisterAsync("gw-02", "mesh-gateway", "mesh-gateway-2", 8443, kind: "mesh-gateway",
            tagged: new() { ["wan"] = new ServiceAddress { Address = "203.0.113.8", Port = 443 } });
        var moved = await updates.NextAsync();
        Assert.Equal(["203.0.113.7", "203.0.113.8"], Assert.Single(moved.Upserts).Endpoints.Select(e => e.Address));
    }

    [Fact]
    public async Task WatchAsync_ConfiguredGateway_OverridesDiscovery()
    {
        await RegisterAsync("app-01", "billing", "billing-1", 9090);
        await ExportAsync("billing");
        await using var updates = new Updates(Source(o => o.GatewayAddresses.Add("gw.dc1.example.net:8443")).WatchAsync(TestContext.Current.CancellationToken));

        var billing = Assert.Single((await updates.NextAsync()).Upserts);

        Assert.Equal(("gw.dc1.example.net", 8443), (billing.Endpoints[0].Address, billing.Endpoints[0].Port));
        Assert.Equal(0, _server.RequestCount("/v1/health/service/mesh-gateway"));
    }

    [Fact]
    public async Task WatchAsync_PassingOnly_DropsNonPassingInstances()
    {
        await RegisterAsync("app-01", "billing", "billing-1", 9090);
        await RegisterAsync("app-02", "billing", "billing-2", 9090, status: "critical");
        await ExportAsync("billing");
        await using var updates = new Updates(Source(o => o.PassingOnly = true).WatchAsync(TestContext.Current.CancellationToken));

        var billing = Assert.Single((await updates.NextAsync()).Upserts);

        Assert.Equal(["billing-1"], billing.Instances.Select(i => i.Id));
        Assert.Equal(ServiceHealth.Passing, billing.Health);
    }

    [Fact]
    public async Task WatchAsync_EntryTheCatalogRejects_KeepsTheLastValidVersion()
    {
        await RegisterAsync("app-01", "billing", "billing-1", 9090);
        await ExportAsync("billing");
        await using var updates = new Updates(Source().WatchAsync(TestContext.Current.CancellationToken));
        var first = Assert.Single((await updates.NextAsync()).Upserts);

        // An instance whose address is no IP address or DNS name makes the whole entry invalid.
        await Client.RegisterAsync(new CatalogRegistration
        {
            Node = "app-02",
            Address = "10.20.0.9",
            Service = new AgentService { ID = "billing-2", Service = "billing", Port = 9090, Address = "not a host!" },
        }, TestContext.Current.CancellationToken);
        await RegisterAsync("app-03", "orders", "orders-1", 8080);
        await ExportAsync("billing", "orders");
        var next = await updates.NextAsync();

        Assert.Equal([new ServiceKey("orders")], next.Upserts.Select(e => e.Key));
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Name == "EntryRejected" && r.Message.Contains("endpoints", StringComparison.Ordinal));
        Assert.Equal(["billing-1"], first.Instances.Select(i => i.Id));
    }

    [Fact]
    public async Task WatchAsync_UnrecoverableError_EndsTheSourceWithIt()
    {
        await RegisterAsync("app-01", "billing", "billing-1", 9090);
        await ExportAsync("billing");
        _server.Faults.FailNext("/v1/health/service/billing", 400, ConsulTexts.InvalidIndex);
        await using var updates = new Updates(Source().WatchAsync(TestContext.Current.CancellationToken));

        await Assert.ThrowsAsync<ConsulBadRequestException>(updates.NextAsync);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Name == "SourceFailed");
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        var options = new ConsulExportOptions { ExportMetaKey = "federate", ExportTag = "meshinterop", DefaultProtocol = "FTP" };
        options.GatewayAddresses.Add("no-port");

        var error = Assert.Throws<ArgumentException>(() => new ConsulExportSource(Client, options, _test.Metrics, _logger));

        Assert.Equal("options", error.ParamName);
        Assert.Contains("ExportMetaValue", error.Message, StringComparison.Ordinal);
        Assert.Contains("ExportTag", error.Message, StringComparison.Ordinal);
        Assert.Contains("GatewayAddresses:0", error.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultProtocol", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task WatchAsync_ChangeWhileANewServiceHasNotAnswered_IsStillSent()
    {
        // Regression: a change that arrived while a newly selected service's first read was outstanding was forgotten.
        await DisposeAsync();
        var serverTime = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        _server = await FakeConsulServer.StartAsync(serverTime, TestContext.Current.CancellationToken);
        _test = ConsulTestClient.Create(_server.Address, configure: o => o.WatchRateInterval = TimeSpan.FromMilliseconds(10));
        await Client.DetectEditionAsync(TestContext.Current.CancellationToken);
        await RegisterAsync("app-01", "billing", "billing-1", 9090, tags: ["export"]);
        await using var updates = new Updates(Source(o => { o.ExportedServicesConsumer = null; o.ExportTag = "export"; }).WatchAsync(TestContext.Current.CancellationToken));
        Assert.Single((await updates.NextAsync()).Upserts);

        _server.Faults.DelayNext("/v1/health/service/orders", TimeSpan.FromSeconds(1));
        var pending = updates.NextAsync();      // the source runs while its consumer waits for the next update
        await RegisterAsync("app-02", "orders", "orders-1", 8080, tags: ["export"]);
        await _server.WaitForDelayedAsync("/v1/health/service/orders", TestContext.Current.CancellationToken);
        await RegisterAsync("app-01", "billing", "billing-1", 9091, tags: ["export"]);

        // The billing watch blocks on the new index only after handing its change to the source, so the change is queued
        // before orders answers (an earlier request with the old index may be a spurious wake-up).
        var changedAt = "index=" + (await Client.GetHealthServiceAsync("billing", ConsulQuery.Default, TestContext.Current.CancellationToken)).Meta.LastIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) + "&";
        await _server.WaitForRequestAsync(r => r.Path == "/v1/health/service/billing" && r.Query.Contains(changedAt, StringComparison.Ordinal), TestContext.Current.CancellationToken);
        serverTime.Advance(TimeSpan.FromSeconds(1));

        var next = await pending;
        Assert.Contains(next.Upserts, e => e.Name == "orders");
        Assert.Equal(9091, Assert.Single(next.Upserts, e => e.Name == "billing").Endpoints.Single().Port);
    }
}
