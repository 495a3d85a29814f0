using System.Text;
using System.Text.Json;
using MeshInterop.Catalog;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Internal.Import;
using MeshInterop.Consul.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshInterop.Consul.Tests.Contract;

/// <summary>
/// The contract suite: written once, run against the double always and against a real Consul when <c>CONSUL_HTTP_ADDR</c>
/// is set. A failure against a real server is a bug in the double or the client, never something to silence.
/// </summary>
public abstract class ConsulContractTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ConsulBackendFixture
{
    protected TFixture Fixture { get; } = fixture;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ConsulHttpClient Client
    {
        get
        {
            Assert.SkipWhen(Fixture.SkipReason is not null, Fixture.SkipReason ?? string.Empty);
            return Fixture.Client;
        }
    }

    private async Task<string> RegisterAsync(string node, string service, string id, int port, string checkStatus = "passing", string? nodeCheckStatus = null)
    {
        lock (Fixture.CreatedNodes)
        {
            Fixture.CreatedNodes.Add(node);
        }

        List<HealthCheck> checks = [new() { CheckID = "meshinterop:" + id, Name = "federated health", Status = checkStatus, ServiceID = id }];
        if (nodeCheckStatus is not null)
        {
            checks.Add(new HealthCheck { CheckID = "node-health", Name = "node health", Status = nodeCheckStatus });
        }

        Assert.True(await Client.RegisterAsync(new CatalogRegistration
        {
            Node = node,
            Address = "198.51.100.40",
            NodeMeta = new() { ["external-node"] = "true", ["external-source"] = "meshinterop", ["meshinterop-owner"] = "mi-test" },
            SkipNodeUpdate = false,
            Service = new AgentService
            {
                ID = id,
                Service = service,
                Port = port,
                Address = "gw.emea.example.net",
                Tags = ["meshinterop"],
                Meta = new() { ["external-source"] = "meshinterop", ["meshinterop-owner"] = "mi-test" },
                Weights = new ServiceWeights { Passing = 1, Warning = 1 },
            },
            Checks = checks,
        }, Ct));
        return id;
    }

    [Fact]
    public async Task DetectEdition_Always_MatchesAgentSelf()
    {
        var self = await Client.GetAgentSelfAsync(Ct);
        Assert.False(string.IsNullOrEmpty(self.Config?.Datacenter));
        Assert.Equal(Fixture.Edition, await Client.DetectEditionAsync(Ct));
    }

    [Fact]
    public async Task Register_OnSyntheticNode_VisibleInEveryReadShape()
    {
        var node = Fixture.Name("node-a");
        var service = Fixture.Name("orders");
        await RegisterAsync(node, service, service + "-1", 8443);

        var services = await Client.GetServicesAsync(ConsulQuery.Default, Ct);
        Assert.Equal(["meshinterop"], services.Value[service]);
        Assert.True(services.Meta.LastIndex > 0);

        var rows = await Client.GetServiceAsync(service, ConsulQuery.Default, Ct);
        var row = Assert.Single(rows.Value);
        Assert.Equal((node, service + "-1", service, 8443, "gw.emea.example.net"), (row.Node, row.ServiceID, row.ServiceName, row.ServicePort, row.ServiceAddress));
        Assert.Equal("mi-test", row.NodeMeta!["meshinterop-owner"]);
        Assert.True(row.ModifyIndex >= row.CreateIndex && row.CreateIndex > 0);

        var catalogNode = await Client.GetNodeAsync(node, ConsulQuery.Default, Ct);
        Assert.Equal("198.51.100.40", catalogNode.Value!.Node!.Address);
        Assert.True(catalogNode.Value.Services!.ContainsKey(service + "-1"));

        var owned = await Client.GetNodeServicesAsync(node, new ConsulQuery { Filter = "Meta[\"meshinterop-owner\"] == \"mi-test\"" }, Ct);
        Assert.Equal(service + "-1", Assert.Single(owned.Value!.Services!).ID);
        var notOwned = await Client.GetNodeServicesAsync(node, new ConsulQuery { Filter = "Meta[\"meshinterop-owner\"] == \"someone-else\"" }, Ct);
        Assert.Empty(notOwned.Value!.Services ?? []);
    }

    [Fact]
    public async Task GetNode_Missing_ReturnsNullNotError()
    {
        var missing = await Client.GetNodeAsync(Fixture.Name("no-such-node"), ConsulQuery.Default, Ct);
        Assert.Null(missing.Value);
        var missingServices = await Client.GetNodeServicesAsync(Fixture.Name("no-such-node"), ConsulQuery.Default, Ct);
        Assert.Null(missingServices.Value!.Node);
    }

    [Fact]
    public async Task HealthService_Passing_DropsInstancesWithAnyNonPassingCheck()
    {
        var service = Fixture.Name("billing");
        await RegisterAsync(Fixture.Name("node-ok"), service, service + "-ok", 9090);
        await RegisterAsync(Fixture.Name("node-warn"), service, service + "-warn", 9090, checkStatus: "warning");
        await RegisterAsync(Fixture.Name("node-down"), service, service + "-down", 9090, nodeCheckStatus: "critical");

        var all = await Client.GetHealthServiceAsync(service, ConsulQuery.Default, Ct);
        var passing = await Client.GetHealthServiceAsync(service, new ConsulQuery { Passing = true }, Ct);

        Assert.Equal(3, all.Value.Count);
        Assert.Equal(service + "-ok", Assert.Single(passing.Value).Service!.ID);
        var down = all.Value.Single(e => e.Service!.ID == service + "-down");
        Assert.Contains(down.Checks!, c => c.CheckID == "node-health" && string.IsNullOrEmpty(c.ServiceID) && c.Status == "critical");
    }

    [Fact]
    public async Task HealthService_FilterOnServiceMeta_SelectsOwnedInstances()
    {
        var service = Fixture.Name("filtered");
        await RegisterAsync(Fixture.Name("node-f"), service, service + "-1", 9090);
        var hit = await Client.GetHealthServiceAsync(service, new ConsulQuery { Filter = "Service.Meta[\"meshinterop-owner\"] == \"mi-test\" and \"meshinterop\" in Service.Tags" }, Ct);
        var miss = await Client.GetHealthServiceAsync(service, new ConsulQuery { Filter = "Service.Meta[\"meshinterop-owner\"] == \"other\"" }, Ct);
        Assert.Single(hit.Value);
        Assert.Empty(miss.Value);
    }

    [Fact]
    public async Task BlockingQuery_WriteAfterIndex_ReturnsHigherIndexWithChange()
    {
        var service = Fixture.Name("blocking");
        await RegisterAsync(Fixture.Name("node-b"), service, service + "-1", 9000);
        var first = await Client.GetHealthServiceAsync(service, ConsulQuery.Default, Ct);

        var blocked = Client.GetHealthServiceAsync(service, new ConsulQuery { Index = first.Meta.LastIndex, Wait = TimeSpan.FromSeconds(30) }, Ct);
        await RegisterAsync(Fixture.Name("node-b2"), service, service + "-2", 9000);
        var second = await blocked;

        Assert.True(second.Meta.LastIndex > first.Meta.LastIndex);
        Assert.Equal(2, second.Value.Count);
        Assert.NotEqual(first.BodyHash, second.BodyHash);
    }

    [Fact]
    public async Task BlockingQuery_OnMissingService_WakesOnUnrelatedWriteWithEmptyBody()
    {
        // Consul issue #3712: a watch on a name with no instances follows the whole table, so unrelated writes wake it.
        var missing = await Client.GetHealthServiceAsync(Fixture.Name("never-registered"), ConsulQuery.Default, Ct);
        var blocked = Client.GetHealthServiceAsync(Fixture.Name("never-registered"), new ConsulQuery { Index = missing.Meta.LastIndex, Wait = TimeSpan.FromSeconds(30) }, Ct);
        await RegisterAsync(Fixture.Name("node-u"), Fixture.Name("unrelated"), Fixture.Name("unrelated") + "-1", 9000);

        var woken = await blocked;

        Assert.True(woken.Meta.LastIndex > missing.Meta.LastIndex);
        Assert.Empty(woken.Value);
        Assert.Equal(missing.BodyHash, woken.BodyHash);
    }

    [Fact]
    public async Task BlockingQuery_WaitElapses_ReturnsSameIndexAndUnchangedBody()
    {
        var service = Fixture.Name("quiet");
        await RegisterAsync(Fixture.Name("node-q"), service, service + "-1", 9000);
        var first = await Client.GetHealthServiceAsync(service, ConsulQuery.Default, Ct);

        var second = await Client.GetHealthServiceAsync(service, new ConsulQuery { Index = first.Meta.LastIndex, Wait = TimeSpan.FromSeconds(1) }, Ct);

        Assert.Equal(first.Meta.LastIndex, second.Meta.LastIndex);
        Assert.Equal(first.BodyHash, second.BodyHash);
    }

    [Fact]
    public async Task Deregister_Service_RemovesItsChecksButKeepsNode()
    {
        var node = Fixture.Name("node-d");
        var service = Fixture.Name("gone");
        await RegisterAsync(node, service, service + "-1", 9000);

        Assert.True(await Client.DeregisterAsync(new CatalogDeregistration { Node = node, ServiceID = service + "-1" }, Ct));

        Assert.Empty((await Client.GetHealthServiceAsync(service, ConsulQuery.Default, Ct)).Value);
        var remaining = await Client.GetNodeAsync(node, ConsulQuery.Default, Ct);
        Assert.NotNull(remaining.Value);
        Assert.Empty(remaining.Value.Services ?? []);
        Assert.True(await Client.DeregisterAsync(new CatalogDeregistration { Node = node }, Ct));
        Assert.Null((await Client.GetNodeAsync(node, ConsulQuery.Default, Ct)).Value);
    }

    [Fact]
    public async Task Register_WithPeerName_Fails500()
    {
        var error = await Assert.ThrowsAsync<ConsulServerException>(() => Client.RegisterAsync(new CatalogRegistration
        {
            Node = Fixture.Name("node-p"),
            Address = "198.51.100.41",
            Service = new AgentService { ID = "x", Service = Fixture.Name("peered"), Port = 1, PeerName = "west-dc" },
        }, Ct));
        Assert.Contains("cannot register requests with PeerName in them", error.ServerMessage, StringComparison.Ordinal);
        Assert.True(error.MayHaveBeenApplied);
    }

    [Fact]
    public async Task ConfigEntry_CasLifecycle_FollowsConsulSemantics()
    {
        var name = Fixture.Name("orders");
        Assert.Null((await Client.GetConfigEntryAsync("service-defaults", name, ConsulQuery.Default, Ct)).Value);

        var entry = new ConfigEntry
        {
            Kind = "service-defaults",
            Name = name,
            Meta = new() { ["managed-by"] = "meshinterop" },
            Fields = new() { ["Protocol"] = JsonSerializer.SerializeToElement("http") },
        };
        Assert.True(await Client.SetConfigEntryAsync(entry, cas: 0, Ct));
        Assert.False(await Client.SetConfigEntryAsync(entry, cas: 0, Ct));

        var stored = (await Client.GetConfigEntryAsync("service-defaults", name, ConsulQuery.Default, Ct)).Value!;
        Assert.Equal("http", stored.Fields!["Protocol"].GetString());
        Assert.Equal("meshinterop", stored.Meta!["managed-by"]);
        Assert.True(stored.ModifyIndex > 0);

        Assert.False(await Client.SetConfigEntryAsync(entry, cas: stored.ModifyIndex!.Value + 1000, Ct));
        Assert.True(await Client.SetConfigEntryAsync(entry, cas: stored.ModifyIndex, Ct));
        var updated = (await Client.GetConfigEntryAsync("service-defaults", name, ConsulQuery.Default, Ct)).Value!;
        Assert.True(updated.ModifyIndex > stored.ModifyIndex);
        Assert.Contains((await Client.ListConfigEntriesAsync("service-defaults", ConsulQuery.Default, Ct)).Value, e => e.Name == name);

        Assert.False(await Client.DeleteConfigEntryAsync("service-defaults", name, stored.ModifyIndex, Ct));
        Assert.True(await Client.DeleteConfigEntryAsync("service-defaults", name, updated.ModifyIndex, Ct));
        Assert.Null((await Client.GetConfigEntryAsync("service-defaults", name, ConsulQuery.Default, Ct)).Value);
        Assert.True(await Client.DeleteConfigEntryAsync("service-defaults", name, cas: null, Ct));
    }

    [Fact]
    public async Task ExportedServices_OnCommunityEdition_NameMustBeDefault()
    {
        Assert.SkipWhen(Fixture.Edition != ConsulEdition.Community, "Only Community Edition forces the exported-services name 'default'.");
        var entry = new ConfigEntry
        {
            Kind = "exported-services",
            Name = Fixture.Name("partition"),
            Fields = new() { ["Services"] = JsonSerializer.SerializeToElement(new[] { new { Name = "billing", Consumers = new[] { new { Peer = "meshinterop-emea" } } } }) },
        };
        var error = await Assert.ThrowsAnyAsync<ConsulException>(() => Client.SetConfigEntryAsync(entry, cas: null, Ct));
        Assert.Contains("exported-services Name must be \"default\"", error.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Namespace_OnCommunityEdition_IsEditionMismatch()
    {
        Assert.SkipWhen(Fixture.Edition != ConsulEdition.Community, "Enterprise accepts namespaces.");
        var (status, body) = await Fixture.SendRawAsync(HttpMethod.Get, "v1/catalog/services?ns=default", null, Ct);
        Assert.Equal(400, status);
        Assert.Contains("Namespaces are a Consul Enterprise feature", body, StringComparison.Ordinal);
        Assert.IsType<ConsulEditionMismatchException>(ConsulErrorMapper.Map("GET /v1/catalog/services", status, body, isWrite: false));
    }

    [Fact]
    public async Task BadParameters_Answer400WithConsulTexts()
    {
        var (waitStatus, waitBody) = await Fixture.SendRawAsync(HttpMethod.Get, "v1/catalog/services?index=5&wait=soon", null, Ct);
        var (bothStatus, bothBody) = await Fixture.SendRawAsync(HttpMethod.Get, "v1/catalog/services?stale&consistent", null, Ct);
        Assert.Equal((400, true), (waitStatus, waitBody.Contains("Invalid wait time", StringComparison.Ordinal)));
        Assert.Equal((400, true), (bothStatus, bothBody.Contains("Cannot specify ?stale with ?consistent", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Txn_SixtyFiveOperations_Is413()
    {
        var ops = string.Join(',', Enumerable.Range(0, 65).Select(i => $"{{\"KV\":{{\"Verb\":\"get\",\"Key\":\"{Fixture.Prefix}k{i}\"}}}}"));
        var (status, body) = await Fixture.SendRawAsync(HttpMethod.Put, "v1/txn", "[" + ops + "]", Ct);
        Assert.Equal(413, status);
        Assert.Contains("Transaction contains too many operations (65 > 64)", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Txn_NodeServiceAndCheck_AppliedAtomically()
    {
        var node = Fixture.Name("node-t");
        var service = Fixture.Name("txn");
        Fixture.CreatedNodes.Add(node);
        var results = await Client.TransactAsync(
        [
            new TxnOp { Node = new TxnNodeOp { Verb = "set", Node = new NodeInfo { Node = node, Address = "198.51.100.42", Meta = new() { ["meshinterop-owner"] = "mi-test" } } } },
            new TxnOp { Service = new TxnServiceOp { Verb = "cas", Node = node, Service = new AgentService { ID = service + "-1", Service = service, Port = 8443, ModifyIndex = 0 } } },
            new TxnOp { Check = new TxnCheckOp { Verb = "set", Check = new HealthCheck { Node = node, CheckID = "meshinterop:" + service + "-1", Name = "federated", Status = "passing", ServiceID = service + "-1", ServiceName = service } } },
        ], Ct);

        Assert.Equal(3, results.Count);
        var created = results[1].Service!;
        Assert.True(created.ModifyIndex > 0);
        var health = await Client.GetHealthServiceAsync(service, ConsulQuery.Default, Ct);
        Assert.Equal("passing", Assert.Single(Assert.Single(health.Value).Checks!, c => c.ServiceID == service + "-1").Status);
    }

    [Fact]
    public async Task Txn_CasMismatch_RollsBackEverything()
    {
        var node = Fixture.Name("node-r");
        var service = Fixture.Name("rollback");
        await RegisterAsync(node, service, service + "-1", 9000);
        var before = await Client.GetNodeServicesAsync(node, ConsulQuery.Default, Ct);
        var current = before.Value!.Services!.Single(s => s.ID == service + "-1");

        var conflict = await Assert.ThrowsAsync<ConsulTransactionConflictException>(() => Client.TransactAsync(
        [
            new TxnOp { Service = new TxnServiceOp { Verb = "set", Node = node, Service = new AgentService { ID = service + "-2", Service = service, Port = 9001 } } },
            new TxnOp { Service = new TxnServiceOp { Verb = "cas", Node = node, Service = new AgentService { ID = service + "-1", Service = service, Port = 9999, ModifyIndex = current.ModifyIndex + 1000 } } },
        ], Ct));

        Assert.Equal(1, Assert.Single(conflict.Errors).OperationIndex);
        Assert.Equal(ConsulRetryClass.BackOff, conflict.RetryClass);
        var after = await Client.GetNodeServicesAsync(node, ConsulQuery.Default, Ct);
        Assert.Equal([service + "-1"], after.Value!.Services!.Select(s => s.ID));
        Assert.Equal(9000, after.Value.Services![0].Port);
    }

    [Fact]
    public async Task Txn_ServiceIdReusedUnderAnotherName_Is409()
    {
        var node = Fixture.Name("node-i");
        var service = Fixture.Name("bound");
        await RegisterAsync(node, service, service + "-1", 9000);

        await Assert.ThrowsAsync<ConsulTransactionConflictException>(() => Client.TransactAsync(
        [
            new TxnOp { Service = new TxnServiceOp { Verb = "set", Node = node, Service = new AgentService { ID = service + "-1", Service = Fixture.Name("other-name"), Port = 9000 } } },
        ], Ct));
    }

    [Fact]
    public async Task SessionLock_SecondSessionCannotAcquire_UntilReleased()
    {
        var key = Fixture.Prefix + "leader";
        Fixture.CreatedKeys.Add(key);
        var first = await Client.CreateSessionAsync(new SessionRequest { Name = Fixture.Name("a"), TTL = "15s", LockDelay = "1ms", Behavior = "release", NodeChecks = [] }, Ct);
        var second = await Client.CreateSessionAsync(new SessionRequest { Name = Fixture.Name("b"), TTL = "15s", LockDelay = "1ms", Behavior = "release", NodeChecks = [] }, Ct);
        Fixture.CreatedSessions.AddRange([first, second]);

        Assert.True(await Client.PutKeyAsync(key, Encoding.UTF8.GetBytes("a"), cas: null, acquire: first, release: null, Ct));
        Assert.False(await Client.PutKeyAsync(key, Encoding.UTF8.GetBytes("b"), cas: null, acquire: second, release: null, Ct));
        var held = (await Client.GetKeyAsync(key, ConsulQuery.Default, Ct)).Value!;
        Assert.Equal((first, "a", 1UL), (held.Session, Encoding.UTF8.GetString(held.Value!), held.LockIndex));

        Assert.NotNull(await Client.RenewSessionAsync(first, Ct));
        Assert.False(await Client.PutKeyAsync(key, ReadOnlyMemory<byte>.Empty, cas: null, acquire: null, release: second, Ct));
        Assert.True(await Client.PutKeyAsync(key, ReadOnlyMemory<byte>.Empty, cas: null, acquire: null, release: first, Ct));
        Assert.Null((await Client.GetKeyAsync(key, ConsulQuery.Default, Ct)).Value!.Session);

        Assert.True(await Client.DestroySessionAsync(first, Ct));
        Assert.Null(await Client.RenewSessionAsync(first, Ct));
        Assert.Null((await Client.GetSessionAsync(first, ConsulQuery.Default, Ct)).Value);
    }

    [Fact]
    public async Task ImportedServices_DecodesTheEditionsShape()
    {
        var imported = await Client.GetImportedServicesAsync(ConsulQuery.Default, Ct);
        Assert.All(imported.Value, s => Assert.False(string.IsNullOrEmpty(s.Service)));
        Assert.True(imported.Meta.LastIndex > 0);
    }

    [Fact]
    public async Task ExportedServicesView_ListsPeerConsumersOfTheConfigEntry()
    {
        var service = Fixture.Name("exported");
        var entry = new ConfigEntry
        {
            Kind = "exported-services",
            Name = "default",
            Fields = new() { ["Services"] = JsonSerializer.SerializeToElement(new[] { new { Name = service, Consumers = new[] { new { Peer = "meshinterop-emea" } } } }) },
        };

        // Create only: an existing entry belongs to the operator and is never overwritten by a test.
        Assert.SkipUnless(await Client.SetConfigEntryAsync(entry, cas: 0, Ct), "An exported-services entry already exists on this server; the test does not touch it.");
        try
        {
            var view = await Client.GetExportedServicesAsync(ConsulQuery.Default, Ct);
            Assert.SkipWhen(view.Value is null, "This server has no /v1/exported-services route.");
            var item = Assert.Single(view.Value, v => v.Service == service);
            Assert.Equal(["meshinterop-emea"], item.Consumers!.Peers);
        }
        finally
        {
            var stored = await Client.GetConfigEntryAsync("exported-services", "default", ConsulQuery.Default, CancellationToken.None);
            await Client.DeleteConfigEntryAsync("exported-services", "default", stored.Value!.ModifyIndex, CancellationToken.None);
        }
    }

    [Fact]
    public async Task ConnectCaRoots_GiveTheMeshTrustDomain()
    {
        QueryResult<CaRoots> roots;
        try
        {
            roots = await Client.GetCaRootsAsync(ConsulQuery.Default, Ct);
        }
        catch (ConsulServerException ex)
        {
            Assert.Skip("Connect is not enabled on this server: " + ex.ServerMessage);
            throw;
        }

        Assert.EndsWith(".consul", roots.Value.TrustDomain, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(roots.Value.ActiveRootID));
    }

    [Fact]
    public async Task Nodes_ByNodeMeta_ListOnlyTheOwnersSyntheticNodes()
    {
        var mine = Fixture.Name("node-m1");
        var theirs = Fixture.Name("node-m2");
        Fixture.CreatedNodes.AddRange([mine, theirs]);
        Assert.True(await Client.RegisterAsync(new CatalogRegistration { Node = mine, Address = "198.51.100.50", NodeMeta = new() { ["meshinterop-owner"] = Fixture.Name("owner") } }, Ct));
        Assert.True(await Client.RegisterAsync(new CatalogRegistration { Node = theirs, Address = "198.51.100.51", NodeMeta = new() { ["meshinterop-owner"] = Fixture.Name("other") } }, Ct));

        var nodes = await Client.GetNodesAsync(new ConsulQuery { NodeMeta = "meshinterop-owner:" + Fixture.Name("owner") }, Ct);

        var node = Assert.Single(nodes.Value);
        Assert.Equal((mine, "198.51.100.50"), (node.Node, node.Address));
        Assert.True(node.ModifyIndex > 0);
    }

    [Fact]
    public async Task HealthNode_ListsNodeAndServiceChecksWithIndexes()
    {
        var node = Fixture.Name("node-h");
        var service = Fixture.Name("checked");
        await RegisterAsync(node, service, service + "-1", 9000, nodeCheckStatus: "warning");

        var checks = await Client.GetNodeChecksAsync(node, ConsulQuery.Default, Ct);

        var serviceCheck = Assert.Single(checks.Value, c => c.ServiceID == service + "-1");
        Assert.Equal(("meshinterop:" + service + "-1", service, "passing"), (serviceCheck.CheckID, serviceCheck.ServiceName, serviceCheck.Status));
        Assert.True(serviceCheck.ModifyIndex > 0);
        Assert.Equal("warning", Assert.Single(checks.Value, c => c.CheckID == "node-health").Status);
        Assert.Empty((await Client.GetNodeChecksAsync(Fixture.Name("no-such-node"), ConsulQuery.Default, Ct)).Value);
    }

    [Fact]
    public async Task Txn_CreateOnlyCasAndDeleteCas_RejectStaleIndexes()
    {
        var node = Fixture.Name("node-c");
        var service = Fixture.Name("cas");
        Fixture.CreatedNodes.Add(node);
        var created = await Client.TransactAsync(
        [
            new TxnOp { Node = new TxnNodeOp { Verb = "cas", Node = new NodeInfo { Node = node, Address = "198.51.100.43", ModifyIndex = 0 } } },
            new TxnOp { Service = new TxnServiceOp { Verb = "cas", Node = node, Service = new AgentService { ID = service + "-1", Service = service, Port = 8443, ModifyIndex = 0 } } },
            new TxnOp { Check = new TxnCheckOp { Verb = "cas", Check = new HealthCheck { Node = node, CheckID = "meshinterop:" + service + "-1", Name = "federated", Status = "passing", ServiceID = service + "-1", ServiceName = service, ModifyIndex = 0 } } },
        ], Ct);
        var nodeIndex = created[0].Node!.ModifyIndex!.Value;
        var serviceIndex = created[1].Service!.ModifyIndex!.Value;
        var checkIndex = created[2].Check!.ModifyIndex!.Value;

        // Create-only on an existing node or check, and a delete with an old index, roll back.
        await Assert.ThrowsAsync<ConsulTransactionConflictException>(() => Client.TransactAsync(
            [new TxnOp { Node = new TxnNodeOp { Verb = "cas", Node = new NodeInfo { Node = node, Address = "198.51.100.43", ModifyIndex = 0 } } }], Ct));
        await Assert.ThrowsAsync<ConsulTransactionConflictException>(() => Client.TransactAsync(
            [new TxnOp { Check = new TxnCheckOp { Verb = "cas", Check = new HealthCheck { Node = node, CheckID = "meshinterop:" + service + "-1", Name = "federated", Status = "critical", ServiceID = service + "-1", ServiceName = service, ModifyIndex = 0 } } }], Ct));
        await Assert.ThrowsAsync<ConsulTransactionConflictException>(() => Client.TransactAsync(
            [new TxnOp { Service = new TxnServiceOp { Verb = "delete-cas", Node = node, Service = new AgentService { ID = service + "-1", ModifyIndex = serviceIndex + 1000 } } }], Ct));

        var updated = await Client.TransactAsync(
            [new TxnOp { Check = new TxnCheckOp { Verb = "cas", Check = new HealthCheck { Node = node, CheckID = "meshinterop:" + service + "-1", Name = "federated", Status = "critical", ServiceID = service + "-1", ServiceName = service, ModifyIndex = checkIndex } } }], Ct);
        Assert.True(updated[0].Check!.ModifyIndex > checkIndex);
        await Client.TransactAsync(
        [
            new TxnOp { Service = new TxnServiceOp { Verb = "delete-cas", Node = node, Service = new AgentService { ID = service + "-1", ModifyIndex = serviceIndex } } },
            new TxnOp { Node = new TxnNodeOp { Verb = "delete-cas", Node = new NodeInfo { Node = node, ModifyIndex = nodeIndex } } },
        ], Ct);
        Assert.Null((await Client.GetNodeAsync(node, ConsulQuery.Default, Ct)).Value);
        Assert.Empty((await Client.GetNodeChecksAsync(node, ConsulQuery.Default, Ct)).Value);
    }

    [Fact]
    public async Task ImportSink_ReconcileUpdateAndUnpeer_AgainstThisBackend()
    {
        var peer = Fixture.Name("emea");
        var node = ImportMapper.NodeName(peer);
        Fixture.CreatedNodes.Add(node);
        var options = new ConsulImportOptions { OwnerId = Fixture.Name("owner") };
        using var sink = new ConsulImportSink(Client, options, Fixture.Metrics, NullLogger<ConsulImportSink>.Instance);
        var orders = Imports.Entry(peer, "orders", local: Fixture.Name("sink-orders"));
        var billing = Imports.Entry(peer, "billing", local: Fixture.Name("sink-billing"), endpoints: [("198.51.100.60", 8443), ("198.51.100.61", 8443)]);

        await sink.ReconcileAsync(Imports.Snapshot(orders, billing), Ct);
        var written = (await Client.GetNodeServicesAsync(node, ConsulQuery.Default, Ct)).Value!;
        Assert.Equal(options.OwnerId, written.Node!.Meta!["meshinterop-owner"]);
        Assert.Equal(3, written.Services!.Count);
        Assert.Equal(3, (await Client.GetNodeChecksAsync(node, ConsulQuery.Default, Ct)).Value.Count(c => c.CheckID.StartsWith("meshinterop:", StringComparison.Ordinal)));

        await sink.ApplyAsync(Imports.Updated(orders, orders with { Health = ServiceHealth.Critical }), Ct);
        var health = await Client.GetHealthServiceAsync(orders.Key.Name, ConsulQuery.Default, Ct);
        Assert.Equal("critical", Assert.Single(Assert.Single(health.Value).Checks!).Status);

        await sink.ApplyAsync(Imports.Removed(orders with { Health = ServiceHealth.Critical }, billing), Ct);
        Assert.Null((await Client.GetNodeAsync(node, ConsulQuery.Default, Ct)).Value);
    }

    [Fact]
    public async Task Kv_CasAndDelete_FollowConsulSemantics()
    {
        var key = Fixture.Prefix + "kv/a";
        Fixture.CreatedKeys.Add(key);
        Assert.Null((await Client.GetKeyAsync(key, ConsulQuery.Default, Ct)).Value);
        Assert.True(await Client.PutKeyAsync(key, Encoding.UTF8.GetBytes("1"), cas: 0, acquire: null, release: null, Ct));
        Assert.False(await Client.PutKeyAsync(key, Encoding.UTF8.GetBytes("2"), cas: 0, acquire: null, release: null, Ct));
        var stored = (await Client.GetKeyAsync(key, ConsulQuery.Default, Ct)).Value!;
        Assert.False(await Client.DeleteKeyAsync(key, stored.ModifyIndex + 1000, Ct));
        Assert.True(await Client.DeleteKeyAsync(key, stored.ModifyIndex, Ct));
        Assert.Null((await Client.GetKeyAsync(key, ConsulQuery.Default, Ct)).Value);
    }
}

/// <summary>The contract suite against the in-process double: always runs.</summary>
public sealed class DoubleConsulContractTests(DoubleBackendFixture fixture) : ConsulContractTests<DoubleBackendFixture>(fixture);

/// <summary>The contract suite against the double playing Enterprise (namespaces and partitions sent): always runs.</summary>
public sealed class DoubleEnterpriseConsulContractTests(DoubleEnterpriseBackendFixture fixture) : ConsulContractTests<DoubleEnterpriseBackendFixture>(fixture);

/// <summary>The contract suite against a real Consul at <c>CONSUL_HTTP_ADDR</c>; skipped with the reason when it is unset.</summary>
public sealed class RealConsulContractTests(RealConsulBackendFixture fixture) : ConsulContractTests<RealConsulBackendFixture>(fixture);
