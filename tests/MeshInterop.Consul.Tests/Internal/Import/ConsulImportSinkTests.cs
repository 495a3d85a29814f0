using MeshInterop.Catalog;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Internal.Import;
using MeshInterop.Consul.Tests.ConsulDouble;
using MeshInterop.Consul.Tests.TestSupport;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Consul.Tests.Internal.Import;

/// <summary>The import sink against the double: synthetic nodes, ownership, CAS transactions, ordering, reaping and faults.</summary>
public sealed class ConsulImportSinkTests : IAsyncLifetime
{
    private const string Owner = "mi-test";
    private readonly FakeLogger<ConsulImportSink> _logger = new();
    private FakeConsulServer _server = null!;
    private ConsulTestClient _test = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ConsulHttpClient Client => _test.Client;

    public async ValueTask InitializeAsync() => await StartAsync(null);

    private async Task StartAsync(TimeProvider? serverTime)
    {
        _server = await FakeConsulServer.StartAsync(serverTime, Ct);
        _test = ConsulTestClient.Create(_server.Address);
        await Client.DetectEditionAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _test.Dispose();
        await _server.DisposeAsync();
    }

    private ConsulImportSink Sink(Action<ConsulImportOptions>? configure = null)
    {
        var options = new ConsulImportOptions { OwnerId = Owner };
        configure?.Invoke(options);
        return new ConsulImportSink(Client, options, _test.Metrics, _logger);
    }

    private async Task<NodeServices> NodeAsync(string peer) => (await Client.GetNodeServicesAsync(ImportMapper.NodeName(peer), ConsulQuery.Default, Ct)).Value!;

    private async Task<List<HealthCheck>> ChecksAsync(string peer) => (await Client.GetNodeChecksAsync(ImportMapper.NodeName(peer), ConsulQuery.Default, Ct)).Value;

    [Fact]
    public async Task ReconcileAsync_TwoPeers_WritesOneOwnedSyntheticNodePerPeer()
    {
        using var sink = Sink();

        await sink.ReconcileAsync(Imports.Snapshot(Imports.Entry("emea", "orders"), Imports.Entry("emea", "billing"), Imports.Entry("apac", "orders")), Ct);

        var emea = await NodeAsync("emea");
        Assert.Equal("meshinterop-emea", emea.Node!.Node);
        Assert.Equal("gw.emea.example.net", emea.Node.Address);
        Assert.Equal(
            new Dictionary<string, string> { ["external-node"] = "true", ["external-source"] = "meshinterop", ["meshinterop-owner"] = Owner, ["meshinterop-peer"] = "emea" },
            emea.Node.Meta);
        Assert.Equal(["emea-billing", "emea-orders"], emea.Services!.Select(s => s.Service).Order(StringComparer.Ordinal));
        var orders = emea.Services!.Single(s => s.Service == "emea-orders");
        Assert.Equal(ImportMapper.InstanceId("emea-orders", "emea", new ServiceKey("orders"), "gw.emea.example.net", 8443), orders.ID);
        Assert.Matches("^emea-orders-[0-9a-f]{12}$", orders.ID);
        Assert.Equal(("gw.emea.example.net", 8443, "meshinterop"), (orders.Address, orders.Port, Assert.Single(orders.Tags!)));
        Assert.Equal("emea", orders.Meta!["meshinterop-peer"]);
        Assert.Equal(Owner, orders.Meta["meshinterop-owner"]);
        Assert.Equal("meshinterop", orders.Meta["external-source"]);
        Assert.Equal("orders.emea.mesh.example", orders.Meta["meshinterop-fqdn"]);
        Assert.Equal("orders", orders.Meta["meshinterop-origin"]);
        Assert.Equal("1", orders.Meta["meshinterop-generation"]);
        var check = Assert.Single(await ChecksAsync("emea"), c => c.ServiceID == orders.ID);
        Assert.Equal(("meshinterop:" + orders.ID, "passing", "emea-orders", "MeshInterop federated health"), (check.CheckID, check.Status, check.ServiceName, check.Name));
        Assert.Equal(["apac-orders"], (await NodeAsync("apac")).Services!.Select(s => s.Service));
        Assert.Empty(sink.Alerts);
    }

    [Fact]
    public async Task ApplyAsync_SameBatchTwice_SecondChangesNothing()
    {
        using var sink = Sink();
        var diff = Imports.Added(Imports.Entry("emea", "orders"), Imports.Entry("emea", "billing"));
        await sink.ApplyAsync(diff, Ct);
        var index = (await NodeAsync("emea")).Services!.Max(s => s.ModifyIndex);
        var writes = _server.RequestCount("/v1/txn");

        await sink.ApplyAsync(diff, Ct);

        Assert.Equal(writes, _server.RequestCount("/v1/txn"));
        Assert.Equal(index, (await NodeAsync("emea")).Services!.Max(s => s.ModifyIndex));
    }

    [Fact]
    public async Task ApplyAsync_Changes_UpdateWithCasBumpGenerationAndCarryHealth()
    {
        using var sink = Sink();
        var before = Imports.Entry("emea", "orders");
        await sink.ApplyAsync(Imports.Added(before), Ct);

        var moved = before with { Fqdn = "orders.v2.emea.mesh.example", Health = ServiceHealth.Critical };
        await sink.ApplyAsync(Imports.Updated(before, moved), Ct);

        var service = Assert.Single((await NodeAsync("emea")).Services!);
        Assert.Equal(("orders.v2.emea.mesh.example", "2"), (service.Meta!["meshinterop-fqdn"], service.Meta["meshinterop-generation"]));
        Assert.Equal("critical", Assert.Single(await ChecksAsync("emea")).Status);

        var healthy = moved with { Health = ServiceHealth.Warning };
        await sink.ApplyAsync(Imports.Updated(moved, healthy), Ct);
        Assert.Equal("2", Assert.Single((await NodeAsync("emea")).Services!).Meta!["meshinterop-generation"]);
        Assert.Equal("warning", Assert.Single(await ChecksAsync("emea")).Status);
    }

    [Fact]
    public async Task ApplyAsync_EndpointChange_RegistersNewInstanceAndRemovesOld()
    {
        using var sink = Sink();
        var before = Imports.Entry("emea", "orders", endpoints: ("198.51.100.10", 8443));
        await sink.ApplyAsync(Imports.Added(before), Ct);
        var oldId = Assert.Single((await NodeAsync("emea")).Services!).ID;

        await sink.ApplyAsync(Imports.Updated(before, Imports.Entry("emea", "orders", endpoints: [("198.51.100.11", 8443), ("198.51.100.12", 8443)])), Ct);

        var services = (await NodeAsync("emea")).Services!;
        Assert.Equal(["198.51.100.11", "198.51.100.12"], services.Select(s => s.Address).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(services, s => s.ID == oldId);
        Assert.Equal(2, (await ChecksAsync("emea")).Count);
    }

    [Fact]
    public async Task ApplyAsync_RemovingThePeersLastImport_RemovesItsNode()
    {
        using var sink = Sink();
        var orders = Imports.Entry("emea", "orders");
        var billing = Imports.Entry("emea", "billing");
        await sink.ApplyAsync(Imports.Added(orders, billing), Ct);

        await sink.ApplyAsync(Imports.Removed(orders), Ct);
        Assert.Equal(["emea-billing"], (await NodeAsync("emea")).Services!.Select(s => s.Service));

        await sink.ApplyAsync(Imports.Removed(billing), Ct);
        Assert.Null((await NodeAsync("emea")).Node);
    }

    [Fact]
    public async Task ApplyAsync_KeyMovesToAnotherPeer_LeavesOnlyTheNewPeersInstance()
    {
        using var sink = Sink();
        var fromZeta = Imports.Entry("zeta", "web", local: "web");
        await sink.ApplyAsync(Imports.Added(fromZeta), Ct);

        await sink.ApplyAsync(Imports.Updated(fromZeta, Imports.Entry("alpha", "web", local: "web")), Ct);

        var rows = (await Client.GetServiceAsync("web", ConsulQuery.Default, Ct)).Value;
        Assert.Equal("meshinterop-alpha", Assert.Single(rows).Node);
        Assert.Null((await NodeAsync("zeta")).Node);
    }

    [Fact]
    public async Task ApplyAsync_ManyServices_BatchesOfAtMost64OperationsRegistrationsFirst()
    {
        using var sink = Sink();
        var old = Enumerable.Range(0, 40).Select(i => Imports.Entry("emea", "old" + i)).ToArray();
        await sink.ApplyAsync(Imports.Added(old), Ct);
        Assert.Equal(2, _server.RequestCount("/v1/txn"));    // 1 node + 40 x (service + check) = 81 operations

        var fresh = Enumerable.Range(0, 40).Select(i => Imports.Entry("emea", "new" + i)).ToArray();
        await sink.ApplyAsync(MeshInterop.Catalog.Diff.CatalogDiff.Create([.. fresh.Select(MeshInterop.Catalog.Diff.CatalogChange.Added), .. old.Select(MeshInterop.Catalog.Diff.CatalogChange.Removed)]), Ct);

        // 80 registration operations and 40 deletions: 120 operations in two transactions, the deletions after every registration.
        Assert.Equal(4, _server.RequestCount("/v1/txn"));
        Assert.Equal(40, (await NodeAsync("emea")).Services!.Count);
        Assert.All((await NodeAsync("emea")).Services!, s => Assert.StartsWith("emea-new", s.Service, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReconcileAsync_ReapsOnlyWhatThisOwnerWrote()
    {
        using var sink = Sink();
        await sink.ReconcileAsync(Imports.Snapshot(Imports.Entry("emea", "orders"), Imports.Entry("emea", "stale")), Ct);
        await Client.RegisterAsync(new CatalogRegistration
        {
            Node = "meshinterop-emea",
            SkipNodeUpdate = true,
            Service = new AgentService { ID = "emea-foreign-1", Service = "emea-foreign", Port = 1, Meta = new() { ["meshinterop-owner"] = "mi-other" } },
        }, Ct);

        await sink.ReconcileAsync(Imports.Snapshot(Imports.Entry("emea", "orders")), Ct);

        Assert.Equal(["emea-foreign", "emea-orders"], (await NodeAsync("emea")).Services!.Select(s => s.Service).Order(StringComparer.Ordinal));

        await sink.ReconcileAsync(Imports.Snapshot(), Ct);
        var node = await NodeAsync("emea");
        Assert.NotNull(node.Node);    // another owner's service keeps the node alive
        Assert.Equal(["emea-foreign"], node.Services!.Select(s => s.Service));
    }

    [Fact]
    public async Task ReconcileAsync_PeerGoneWhileAway_RemovesItsNodeFoundByOwnerMarker()
    {
        using (var first = Sink())
        {
            await first.ReconcileAsync(Imports.Snapshot(Imports.Entry("emea", "orders"), Imports.Entry("apac", "orders")), Ct);
        }

        using var restarted = Sink();
        await restarted.ReconcileAsync(Imports.Snapshot(Imports.Entry("apac", "orders")), Ct);

        Assert.Null((await NodeAsync("emea")).Node);
        Assert.Single((await NodeAsync("apac")).Services!);
    }

    [Fact]
    public async Task ReconcileAsync_NodeNameTakenByAnAgent_WritesNothingThereAndAlerts()
    {
        _server.AddAgentNode("meshinterop-emea", "10.0.0.9");
        using var sink = Sink();

        await sink.ReconcileAsync(Imports.Snapshot(Imports.Entry("emea", "orders"), Imports.Entry("apac", "orders")), Ct);

        Assert.Empty((await NodeAsync("emea")).Services ?? []);
        Assert.Equal("10.0.0.9", (await NodeAsync("emea")).Node!.Address);
        Assert.Contains("meshinterop-emea", Assert.Single(sink.Alerts).Value, StringComparison.Ordinal);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Name == "NodeNotOwned");
        Assert.Single((await NodeAsync("apac")).Services!);
    }

    [Fact]
    public async Task ReconcileAsync_NameHeldByALocalService_WithholdsTheImportUntilTheNameIsFree()
    {
        _server.AddAgentNode("app-01", "10.0.0.7");
        _server.AddAgentService("app-01", "emea-orders-local", "emea-orders", 9090);
        using var sink = Sink();
        var desired = Imports.Snapshot(Imports.Entry("emea", "orders"), Imports.Entry("emea", "billing"));

        await sink.ReconcileAsync(desired, Ct);

        Assert.Equal(["emea-billing"], (await NodeAsync("emea")).Services!.Select(s => s.Service));
        Assert.Contains("name:emea-orders", sink.Alerts.Keys);
        Assert.Equal("app-01", Assert.Single((await Client.GetServiceAsync("emea-orders", ConsulQuery.Default, Ct)).Value).Node);

        await Client.DeregisterAsync(new CatalogDeregistration { Node = "app-01", ServiceID = "emea-orders-local" }, Ct);
        Assert.True(await sink.RepairAsync(Ct));

        Assert.Equal(["emea-billing", "emea-orders"], (await NodeAsync("emea")).Services!.Select(s => s.Service).Order(StringComparer.Ordinal));
        Assert.Empty(sink.Alerts);
    }

    [Fact]
    public async Task RepairAsync_AfterExternalDeletionAndEdit_RestoresTheDesiredState()
    {
        using var sink = Sink();
        Assert.False(await sink.RepairAsync(Ct));
        await sink.ReconcileAsync(Imports.Snapshot(Imports.Entry("emea", "orders"), Imports.Entry("emea", "billing")), Ct);
        var services = (await NodeAsync("emea")).Services!;
        var orders = services.Single(s => s.Service == "emea-orders");
        await Client.DeregisterAsync(new CatalogDeregistration { Node = "meshinterop-emea", ServiceID = services.Single(s => s.Service == "emea-billing").ID }, Ct);
        await Client.RegisterAsync(new CatalogRegistration
        {
            Node = "meshinterop-emea",
            SkipNodeUpdate = true,
            Service = new AgentService { ID = orders.ID, Service = orders.Service, Address = "203.0.113.66", Port = orders.Port, Tags = orders.Tags, Meta = orders.Meta },
        }, Ct);

        Assert.True(await sink.RepairAsync(Ct));

        var repaired = (await NodeAsync("emea")).Services!;
        Assert.Equal(["emea-billing", "emea-orders"], repaired.Select(s => s.Service).Order(StringComparer.Ordinal));
        Assert.Equal("gw.emea.example.net", repaired.Single(s => s.Service == "emea-orders").Address);
        Assert.Equal(2, (await ChecksAsync("emea")).Count);
    }

    [Fact]
    public async Task ApplyAsync_IndexesChangedBehindItsBack_RetriesAfterRereadingAndConverges()
    {
        using var sink = Sink();
        var before = Imports.Entry("emea", "orders");
        await sink.ApplyAsync(Imports.Added(before), Ct);
        var service = Assert.Single((await NodeAsync("emea")).Services!);
        // An operator touches the service: its ModifyIndex moves past what the sink remembers.
        await Client.RegisterAsync(new CatalogRegistration
        {
            Node = "meshinterop-emea",
            SkipNodeUpdate = true,
            Service = new AgentService { ID = service.ID, Service = service.Service, Address = service.Address, Port = service.Port, Tags = ["meshinterop", "touched"], Meta = service.Meta },
        }, Ct);

        await sink.ApplyAsync(Imports.Updated(before, before with { Fqdn = "orders.new.example" }), Ct);

        var updated = Assert.Single((await NodeAsync("emea")).Services!);
        Assert.Equal(("orders.new.example", "meshinterop"), (updated.Meta!["meshinterop-fqdn"], Assert.Single(updated.Tags!)));
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Name == "TransactionRetried");
    }

    [Fact]
    public async Task ApplyAsync_LeaderLost_FailsWithoutWritingAndSucceedsOnRetry()
    {
        using var sink = Sink();
        var diff = Imports.Added(Imports.Entry("emea", "orders"));
        _server.Faults.LoseLeader();

        var error = await Assert.ThrowsAsync<ConsulServerException>(() => sink.ApplyAsync(diff, Ct));

        Assert.True(error.IsNoLeader);
        Assert.Equal(ConsulRetryClass.BackOff, error.RetryClass);
        _server.Faults.RestoreLeader();
        Assert.Null((await NodeAsync("emea")).Node);
        await sink.ApplyAsync(diff, Ct);
        Assert.Single((await NodeAsync("emea")).Services!);
    }

    [Fact]
    public async Task ApplyAsync_AmbiguousWrite_IsSafeToReplay()
    {
        using var sink = Sink();
        var diff = Imports.Added(Imports.Entry("emea", "orders"), Imports.Entry("emea", "billing"));
        _server.Faults.FailAfterApplyNext("/v1/txn");

        var error = await Assert.ThrowsAnyAsync<ConsulException>(() => sink.ApplyAsync(diff, Ct));
        Assert.True(error.MayHaveBeenApplied);

        await sink.ApplyAsync(diff, Ct);
        Assert.Equal(2, (await NodeAsync("emea")).Services!.Count);
        Assert.Equal(2, (await ChecksAsync("emea")).Count);
    }

    [Fact]
    public async Task ApplyAsync_TokenMayNotWriteTheService_FailsAsAccessDeniedAndAlerts()
    {
        _server.AclsEnabled = true;
        _server.AddManagementToken("root");
        _server.AddToken("sink", "accessor-sink", AclRule.NodePrefix("meshinterop-", AclLevel.Write), AclRule.ServicePrefix("emea-", AclLevel.Write),
            AclRule.ServicePrefix(string.Empty, AclLevel.Read), AclRule.NodePrefix(string.Empty, AclLevel.Read));
        _test.Dispose();
        _test = ConsulTestClient.Create(_server.Address, configure: o => o.Token = "sink");
        await Client.DetectEditionAsync(Ct);
        using var sink = Sink();

        await sink.ApplyAsync(Imports.Added(Imports.Entry("emea", "orders")), Ct);
        var denied = await Assert.ThrowsAsync<ConsulTransactionConflictException>(() => sink.ApplyAsync(Imports.Added(Imports.Entry("apac", "orders")), Ct));

        Assert.True(denied.IsAccessDenied);
        Assert.Equal(ConsulRetryClass.StopAndAlert, denied.RetryClass);
        Assert.Contains("acl", sink.Alerts.Keys);
        Assert.Single((await NodeAsync("emea")).Services!);
    }

    [Fact]
    public async Task ReconcileAsync_AclFilteredNode_DeletesNothing()
    {
        using (var writer = Sink())
        {
            await writer.ReconcileAsync(Imports.Snapshot(Imports.Entry("emea", "orders"), Imports.Entry("emea", "hidden"), Imports.Entry("emea", "stale")), Ct);
        }

        _server.AclsEnabled = true;
        _server.AddToken("sink", "accessor-sink", AclRule.NodePrefix("meshinterop-", AclLevel.Write), AclRule.ServicePrefix("emea-", AclLevel.Write),
            AclRule.ServicePrefix("emea-hidden", AclLevel.None), AclRule.ServicePrefix(string.Empty, AclLevel.Read), AclRule.NodePrefix(string.Empty, AclLevel.Read));
        _test.Dispose();
        _test = ConsulTestClient.Create(_server.Address, configure: o => o.Token = "sink");
        await Client.DetectEditionAsync(Ct);
        using var sink = Sink();

        await sink.ReconcileAsync(Imports.Snapshot(Imports.Entry("emea", "orders")), Ct);

        _server.AclsEnabled = false;
        Assert.Equal(["emea-hidden", "emea-orders", "emea-stale"], (await NodeAsync("emea")).Services!.Select(s => s.Service).Order(StringComparer.Ordinal));
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Name == "PartialViewNoReap");
    }

    [Fact]
    public async Task ApplyAsync_InvalidImport_IsReportedAndNeverHalfWritten()
    {
        using var sink = Sink();
        var local = new CatalogEntry { Key = new ServiceKey("orders"), Name = "orders", Endpoints = [new CatalogEndpoint { Address = "10.0.0.1", Port = 80 }] };
        var badName = Imports.Entry("emea", "orders", local: "Emea_Orders");

        await sink.ApplyAsync(Imports.Added(local, badName, Imports.Entry("emea", "billing")), Ct);

        Assert.Equal(["emea-billing"], (await NodeAsync("emea")).Services!.Select(s => s.Service));
        Assert.Equal(2, sink.Alerts.Count(a => a.Key.StartsWith("entry:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ApplyAsync_ConcurrentCallers_AreCoalescedIntoOnePass()
    {
        await DisposeAsync();
        var serverTime = new FakeTimeProvider();
        await StartAsync(serverTime);
        using var sink = Sink();
        _server.Faults.DelayNext("/v1/txn", TimeSpan.FromSeconds(1));
        var first = sink.ApplyAsync(Imports.Added(Imports.Entry("emea", "a")), Ct);
        await _server.WaitForDelayedAsync("/v1/txn", Ct);

        var second = sink.ApplyAsync(Imports.Added(Imports.Entry("emea", "b")), Ct);
        var third = sink.ApplyAsync(Imports.Added(Imports.Entry("emea", "c")), Ct);
        serverTime.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(first, second, third);

        Assert.Equal(2, _server.RequestCount("/v1/txn"));
        Assert.Equal(3, (await NodeAsync("emea")).Services!.Count);
    }
}
