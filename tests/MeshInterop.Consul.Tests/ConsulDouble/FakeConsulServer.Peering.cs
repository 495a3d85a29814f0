using System.Text.Json.Nodes;

namespace MeshInterop.Consul.Tests.ConsulDouble;

/// <summary>An instance in the peer-scoped catalog of a Consul cluster peering (fault mode n).</summary>
public sealed record PeeredInstance(string Peer, string Node, string Id, string Name, int Port, string Status, ulong Index);

public sealed partial class FakeConsulServer
{
    /// <summary>The table index of the peer-scoped catalog.</summary>
    public const string PeeredTable = "peered";

    private readonly List<PeeredInstance> _peered = [];

    /// <summary>
    /// Fault n: adds an instance imported through Consul's own cluster peering. It lives in a separate store, is visible only
    /// with <c>?peer=</c>, carries <c>PeerName</c>, and has its checks flattened to one <c>&lt;id&gt;:overall-check</c>.
    /// </summary>
    public void AddPeeredInstance(string peer, string node, string id, string name, int port, string status = "passing")
    {
        Commit(store =>
        {
            var index = store.NextIndex();
            lock (_peered)
            {
                _peered.RemoveAll(p => p.Peer == peer && p.Node == node && p.Id == id);
                _peered.Add(new PeeredInstance(peer, node, id, name, port, status, index));
            }

            store.TableIndexes[PeeredTable] = index;
        });
    }

    private ulong PeeredIndex => Store.TableIndexes.GetValueOrDefault(PeeredTable, 1UL);

    private ReadResult PeeredHealthService(RequestContext r, string name, string peer)
    {
        List<PeeredInstance> instances;
        lock (_peered)
        {
            instances = [.. _peered.Where(p => p.Peer == peer && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                .OrderBy(p => p.Node, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal)];
        }

        var filtered = false;
        var entries = new JsonArray();
        foreach (var instance in instances)
        {
            if (!Allows(r.Token, "service", instance.Name, AclLevel.Read))
            {
                filtered = true;
                continue;
            }

            entries.Add(new JsonObject
            {
                ["Node"] = new JsonObject
                {
                    ["ID"] = string.Empty,
                    ["Node"] = instance.Node,
                    ["Address"] = "192.0.2.10",
                    ["Datacenter"] = "peer-dc",
                    ["TaggedAddresses"] = new JsonObject(),
                    ["Meta"] = new JsonObject(),
                    ["PeerName"] = peer,
                    ["CreateIndex"] = instance.Index,
                    ["ModifyIndex"] = instance.Index,
                },
                ["Service"] = new JsonObject
                {
                    ["ID"] = instance.Id,
                    ["Service"] = instance.Name,
                    ["Tags"] = new JsonArray(),
                    ["Address"] = string.Empty,
                    ["Meta"] = new JsonObject(),
                    ["Port"] = instance.Port,
                    ["PeerName"] = peer,
                    ["CreateIndex"] = instance.Index,
                    ["ModifyIndex"] = instance.Index,
                },
                ["Checks"] = new JsonArray(new JsonObject
                {
                    ["Node"] = instance.Node,
                    ["CheckID"] = instance.Id + ":overall-check",
                    ["Name"] = "overall-check",
                    ["Status"] = instance.Status,
                    ["ServiceID"] = instance.Id,
                    ["ServiceName"] = instance.Name,
                    ["PeerName"] = peer,
                    ["CreateIndex"] = instance.Index,
                    ["ModifyIndex"] = instance.Index,
                }),
            });
        }

        return new ReadResult(PeeredIndex, 200, entries.ToJsonString(), filtered);
    }

    private ReadResult ImportedServices(RequestContext r)
    {
        List<(string Name, string Peer)> imported;
        lock (_peered)
        {
            imported = [.. _peered.Select(p => (p.Name, p.Peer)).Distinct().OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Peer, StringComparer.Ordinal)];
        }

        var visible = imported.Where(i => Allows(r.Token, "service", i.Name, AclLevel.Read)).ToList();
        var filtered = visible.Count != imported.Count;
        if (Edition == DoubleEdition.Community)
        {
            var list = new JsonArray([.. visible.Select(i => (JsonNode)new JsonObject { ["Service"] = i.Name, ["SourcePeer"] = i.Peer })]);
            return new ReadResult(PeeredIndex, 200, list.ToJsonString(), filtered);
        }

        var items = new JsonArray([.. visible.Select(i => (JsonNode)new JsonObject
        {
            ["Service"] = i.Name, ["Partition"] = "default", ["Namespace"] = "default", ["SourcePeer"] = i.Peer, ["SourcePartition"] = string.Empty,
        })]);
        return new ReadResult(PeeredIndex, 200, new JsonObject { ["Partition"] = "default", ["ImportedServices"] = items }.ToJsonString(), filtered);
    }

    /// <summary>The resolved view of the <c>exported-services</c> entry: one item per exported service with its peer consumers; <c>*</c> expanded.</summary>
    private ReadResult ExportedServices(RequestContext r)
    {
        Require(r.Token, "mesh", string.Empty, AclLevel.Read);
        var ns = Edition == DoubleEdition.Enterprise ? r.Namespace : "default";
        var peersByService = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var entry in Store.ConfigEntries.Values.Where(e => e.Kind == "exported-services"))
        {
            if (entry.Body["Services"] is not JsonArray services)
            {
                continue;
            }

            foreach (var service in services.OfType<JsonObject>())
            {
                var name = Str(service, "Name") ?? string.Empty;
                var peers = (service["Consumers"] as JsonArray ?? []).OfType<JsonObject>()
                    .Select(c => Str(c, "Peer") ?? Str(c, "PeerName") ?? Str(c, "peer_name")).OfType<string>().ToList();
                var names = name == "*"
                    ? Store.Services.Values.Where(s => s.Name != "consul" && InNamespace(r, s.Namespace)).Select(s => s.Name).Distinct(StringComparer.Ordinal).ToList()
                    : [name];
                foreach (var each in names)
                {
                    if (!peersByService.TryGetValue(each, out var set))
                    {
                        peersByService[each] = set = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    set.UnionWith(peers);
                }
            }
        }

        var list = new JsonArray();
        foreach (var (name, peers) in peersByService)
        {
            var item = new JsonObject { ["Service"] = name };
            if (Edition == DoubleEdition.Enterprise)
            {
                item["Namespace"] = ns;
                item["Partition"] = "default";
            }

            item["Consumers"] = new JsonObject { ["Peers"] = new JsonArray([.. peers.Select(p => (JsonNode)p)]) };
            list.Add(item);
        }

        return new ReadResult(Store.TableIndexes[ConsulDoubleStore.ConfigTable], 200, list.ToJsonString(), Filtered: false);
    }
}
