using MeshInterop.Catalog;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Internal.Import;
using MeshInterop.Consul.Tests.TestSupport;

namespace MeshInterop.Consul.Tests.Internal.Import;

/// <summary>The pure planning of import transactions: batching, ordering and CAS indexes.</summary>
public sealed class ImportPlannerTests
{
    private const string Owner = "mi-test";

    private static List<DesiredInstance> Instances(CatalogEntry entry)
    {
        Assert.True(ImportMapper.TryMap(entry, Owner, out _, out var instances, out var problem), problem);
        return instances;
    }

    private static PeerNodeState OwnedNode(string peer, ulong modifyIndex = 7) => new(peer, ImportMapper.NodeName(peer))
    {
        Node = new NodeInfo { Node = ImportMapper.NodeName(peer), Address = "198.51.100.1", Meta = ImportPlanner.NodeMeta(Owner, peer), ModifyIndex = modifyIndex },
    };

    private static void Hold(PeerNodeState state, DesiredInstance instance, ulong modifyIndex, string? name = null) =>
        state.Services[instance.ServiceId] = new AgentService
        {
            ID = instance.ServiceId,
            Service = name ?? instance.ServiceName,
            Address = instance.Address,
            Port = instance.Port,
            Tags = ["meshinterop"],
            Meta = new(instance.Meta) { ["meshinterop-generation"] = "3" },
            ModifyIndex = modifyIndex,
        };

    private static PeerScope Scope(PeerNodeState state, bool complete, params CatalogEntry[] entries) =>
        new(state, entries.ToDictionary(e => e.Key.Name, e => (IReadOnlyList<DesiredInstance>)Instances(e), StringComparer.Ordinal), complete,
            new HashSet<string>(StringComparer.Ordinal), "198.51.100.1");

    private static string Verb(TxnOp op) => op.Node?.Verb ?? op.Service?.Verb ?? op.Check?.Verb ?? string.Empty;

    [Fact]
    public void Plan_ReplacingManyServices_RegistersEverythingBeforeDeletingAnything()
    {
        var state = OwnedNode("emea");
        var index = 100UL;
        foreach (var i in Enumerable.Range(0, 40))
        {
            Hold(state, Instances(Imports.Entry("emea", "old" + i))[0], index++);
        }

        var plan = ImportPlanner.Plan([Scope(state, complete: true, [.. Enumerable.Range(0, 40).Select(i => Imports.Entry("emea", "new" + i))])], Owner, 64);

        Assert.All(plan.Transactions, t => Assert.InRange(t.Count, 1, 64));
        Assert.Equal(120, plan.Operations);
        Assert.Equal((40, 0, 40), (plan.Registered, plan.Updated, plan.Deregistered));
        var ops = plan.Transactions.SelectMany((t, ti) => t.Select((op, oi) => (Txn: ti, Pos: oi, Op: op))).ToList();
        var lastRegistration = ops.Where(o => o.Op.Service is not null && Verb(o.Op) == "cas").Max(o => o.Txn);
        var firstDeletion = ops.Where(o => Verb(o.Op) == "delete-cas").Min(o => o.Txn);
        Assert.True(lastRegistration <= firstDeletion, "a deletion went out in a transaction before a registration");
        foreach (var shared in ops.Where(o => o.Txn == firstDeletion).GroupBy(o => o.Txn))
        {
            // Within one transaction deletions come first, so no service ID is reused before it is freed.
            var kinds = shared.OrderBy(o => o.Pos).Select(o => Verb(o.Op) == "delete-cas" ? 0 : 1).ToList();
            Assert.Equal(kinds.Order(), kinds);
        }
    }

    [Fact]
    public void Plan_SmallTransactions_NeverSplitAServiceFromItsCheck()
    {
        var plan = ImportPlanner.Plan([Scope(OwnedNode("emea"), complete: false, [.. Enumerable.Range(0, 9).Select(i => Imports.Entry("emea", "s" + i))])], Owner, 5);

        Assert.All(plan.Transactions, t => Assert.InRange(t.Count, 1, 5));
        foreach (var transaction in plan.Transactions)
        {
            foreach (var check in transaction.Where(o => o.Check is not null))
            {
                var service = Assert.Single(transaction, o => o.Service?.Service.ID == check.Check!.Check.ServiceID);
                Assert.True(transaction.ToList().IndexOf(service) < transaction.ToList().IndexOf(check));
                Assert.Equal(service.Service!.Service.Service, check.Check!.Check.ServiceName);
            }
        }
    }

    [Fact]
    public void Plan_CasIndexes_AreTheOnesLastSeen()
    {
        var state = OwnedNode("emea");
        var kept = Instances(Imports.Entry("emea", "kept"))[0];
        var changed = Imports.Entry("emea", "changed");
        var changedInstance = Instances(changed)[0];
        var gone = Instances(Imports.Entry("emea", "gone"))[0];
        Hold(state, kept, 11);
        Hold(state, changedInstance, 12);
        Hold(state, gone, 13);
        state.Checks[kept.CheckId] = new HealthCheck { CheckID = kept.CheckId, Name = ImportMarkers.CheckName, Status = "passing", Output = kept.Output, ServiceID = kept.ServiceId, ModifyIndex = 21 };
        state.Checks[changedInstance.CheckId] = new HealthCheck { CheckID = changedInstance.CheckId, Name = ImportMarkers.CheckName, Status = "passing", ServiceID = changedInstance.ServiceId, ModifyIndex = 22 };

        var plan = ImportPlanner.Plan(
            [Scope(state, complete: true, Imports.Entry("emea", "kept"), changed with { Fqdn = "changed.v2.example" }, Imports.Entry("emea", "fresh"))], Owner, 64);

        var ops = Assert.Single(plan.Transactions);
        var byId = ops.Where(o => o.Service is not null).ToDictionary(o => o.Service!.Service.ID!);
        Assert.DoesNotContain(kept.ServiceId, byId.Keys);
        Assert.Equal(("cas", 12UL, "4"), (Verb(byId[changedInstance.ServiceId]), byId[changedInstance.ServiceId].Service!.Service.ModifyIndex!.Value,
            byId[changedInstance.ServiceId].Service!.Service.Meta!["meshinterop-generation"]));
        Assert.Equal(("delete-cas", 13UL), (Verb(byId[gone.ServiceId]), byId[gone.ServiceId].Service!.Service.ModifyIndex!.Value));
        var fresh = byId.Values.Single(o => o.Service!.Service.Service == "emea-fresh");
        Assert.Equal(("cas", 0UL, "1"), (Verb(fresh), fresh.Service!.Service.ModifyIndex!.Value, fresh.Service.Service.Meta!["meshinterop-generation"]));
        Assert.Equal(22UL, ops.Single(o => o.Check?.Check.ServiceID == changedInstance.ServiceId).Check!.Check.ModifyIndex);
        Assert.DoesNotContain(ops, o => o.Node is not null);
    }

    [Fact]
    public void Plan_IdBoundToAnotherName_IsFreedBeforeItIsReusedInOneTransaction()
    {
        var state = OwnedNode("emea");
        var instance = Instances(Imports.Entry("emea", "orders"))[0];
        Hold(state, instance, 30, name: "emea-legacy");

        var plan = ImportPlanner.Plan([Scope(state, complete: true, Imports.Entry("emea", "orders"))], Owner, 64);

        var ops = Assert.Single(plan.Transactions).Where(o => o.Service?.Service.ID == instance.ServiceId).ToList();
        Assert.Equal(["delete-cas", "cas"], ops.Select(Verb));
        Assert.Equal([30UL, 0UL], ops.Select(o => o.Service!.Service.ModifyIndex!.Value));
    }

    [Fact]
    public void Plan_NewNode_IsCreatedWithCasZeroBeforeItsServices()
    {
        var plan = ImportPlanner.Plan([Scope(new PeerNodeState("emea", "meshinterop-emea"), complete: true, Imports.Entry("emea", "orders"))], Owner, 64);

        var ops = Assert.Single(plan.Transactions);
        Assert.Equal(("cas", 0UL), (Verb(ops[0]), ops[0].Node!.Node.ModifyIndex!.Value));
        Assert.Equal("true", ops[0].Node!.Node.Meta!["external-node"]);
        Assert.Equal(3, ops.Count);
    }

    [Fact]
    public void Plan_PartialView_NeverDeletes()
    {
        var state = OwnedNode("emea");
        state.Partial = true;
        Hold(state, Instances(Imports.Entry("emea", "stale"))[0], 40);

        var plan = ImportPlanner.Plan([Scope(state, complete: true)], Owner, 64);

        Assert.Empty(plan.Transactions);
    }

    [Fact]
    public void Plan_NodeOfAnotherOwner_PlansNothing()
    {
        var state = OwnedNode("emea");
        state.Node!.Meta!["meshinterop-owner"] = "mi-other";

        var plan = ImportPlanner.Plan([Scope(state, complete: true, Imports.Entry("emea", "orders"))], Owner, 64);

        Assert.Empty(plan.Transactions);
    }

    [Fact]
    public void NodeName_FoldsAndHashesSoDistinctPeersNeverShareANode()
    {
        Assert.Equal("meshinterop-emea", ImportMapper.NodeName("emea"));
        Assert.NotEqual(ImportMapper.NodeName("Mesh_B"), ImportMapper.NodeName("mesh-b"));
        Assert.StartsWith("meshinterop-mesh-b-", ImportMapper.NodeName("Mesh_B"), StringComparison.Ordinal);
        var longName = ImportMapper.NodeName(new string('a', 80));
        Assert.InRange(longName.Length, 20, 62);
        Assert.True(MeshInterop.Catalog.Validation.DnsNames.IsDns1123Label(longName));
    }

    [Fact]
    public void InstanceId_IsDeterministicAndDependsOnPeerKeyAndEndpoint()
    {
        var id = ImportMapper.InstanceId("emea-orders", "emea", new ServiceKey("orders"), "gw.example", 8443);
        Assert.Equal(id, ImportMapper.InstanceId("emea-orders", "emea", new ServiceKey("orders"), "gw.example", 8443));
        Assert.NotEqual(id, ImportMapper.InstanceId("emea-orders", "emea", new ServiceKey("orders"), "gw.example", 8444));
        Assert.NotEqual(id, ImportMapper.InstanceId("emea-orders", "apac", new ServiceKey("orders"), "gw.example", 8443));
        Assert.NotEqual(id, ImportMapper.InstanceId("emea-orders", "emea", new ServiceKey("orders2"), "gw.example", 8443));
    }
}
