using System.Globalization;
using System.Text.Json.Nodes;

namespace MeshInterop.Consul.Tests.ConsulDouble;

public sealed partial class FakeConsulServer
{
    private static readonly string[] CatalogMapSelectors = ["ServiceMeta", "NodeMeta"];
    private static readonly string[] CatalogListSelectors = ["ServiceTags"];
    private static readonly string[] HealthMapSelectors = ["Service.Meta", "Node.Meta"];
    private static readonly string[] HealthListSelectors = ["Service.Tags"];
    private static readonly string[] NodeServicesMapSelectors = ["Meta"];
    private static readonly string[] NodeServicesListSelectors = ["Tags"];

    private string AgentSelfJson() => new JsonObject
    {
        ["Config"] = new JsonObject
        {
            ["Datacenter"] = Datacenter,
            ["NodeName"] = AgentNodeName,
            ["NodeID"] = "8d5c3e4b-8a9e-4f6e-9d3a-1c2b3a4d5e6f",
            ["Server"] = true,
            ["Version"] = Edition == DoubleEdition.Enterprise ? "1.20.1+ent" : "1.20.1",
        },
        ["Member"] = new JsonObject { ["Name"] = AgentNodeName, ["Addr"] = "127.0.0.1", ["Port"] = 8301 },
    }.ToJsonString();

    // ---- JSON shapes -------------------------------------------------------------------------------------------------

    private JsonObject NodeJson(StoredNode node)
    {
        var json = new JsonObject
        {
            ["ID"] = string.Empty,
            ["Node"] = node.Name,
            ["Address"] = node.Address,
            ["Datacenter"] = Datacenter,
            ["TaggedAddresses"] = MapJson(node.TaggedAddresses),
            ["Meta"] = MapJson(node.Meta),
        };
        if (Edition == DoubleEdition.Enterprise)
        {
            json["Partition"] = "default";
        }

        json["CreateIndex"] = node.CreateIndex;
        json["ModifyIndex"] = node.ModifyIndex;
        return json;
    }

    private JsonObject ServiceJson(StoredService service)
    {
        var json = new JsonObject
        {
            ["ID"] = service.Id,
            ["Service"] = service.Name,
            ["Tags"] = new JsonArray([.. service.Tags.Select(t => (JsonNode)t)]),
            ["Address"] = service.Address,
            ["TaggedAddresses"] = TaggedAddressesJson(service.TaggedAddresses),
            ["Meta"] = MapJson(service.Meta),
            ["Port"] = service.Port,
            ["Weights"] = new JsonObject { ["Passing"] = service.WeightPassing, ["Warning"] = service.WeightWarning },
            ["EnableTagOverride"] = false,
        };
        if (service.Kind.Length > 0)
        {
            json["Kind"] = service.Kind;
        }

        if (Edition == DoubleEdition.Enterprise)
        {
            json["Namespace"] = service.Namespace;
            json["Partition"] = "default";
        }

        json["CreateIndex"] = service.CreateIndex;
        json["ModifyIndex"] = service.ModifyIndex;
        return json;
    }

    private JsonObject CheckJson(StoredCheck check)
    {
        var json = new JsonObject
        {
            ["Node"] = check.Node,
            ["CheckID"] = check.CheckId,
            ["Name"] = check.Name,
            ["Status"] = check.Status,
            ["Notes"] = check.Notes,
            ["Output"] = check.Output,
            ["ServiceID"] = check.ServiceId,
            ["ServiceName"] = check.ServiceName,
            ["ServiceTags"] = new JsonArray(),
            ["Type"] = check.Type,
            ["Definition"] = new JsonObject(),
        };
        if (Edition == DoubleEdition.Enterprise)
        {
            json["Namespace"] = check.Namespace;
        }

        json["CreateIndex"] = check.CreateIndex;
        json["ModifyIndex"] = check.ModifyIndex;
        return json;
    }

    private JsonObject CatalogRowJson(StoredService service, StoredNode node)
    {
        var json = new JsonObject
        {
            ["ID"] = string.Empty,
            ["Node"] = node.Name,
            ["Address"] = node.Address,
            ["Datacenter"] = Datacenter,
            ["TaggedAddresses"] = MapJson(node.TaggedAddresses),
            ["NodeMeta"] = MapJson(node.Meta),
            ["ServiceKind"] = service.Kind,
            ["ServiceID"] = service.Id,
            ["ServiceName"] = service.Name,
            ["ServiceTags"] = new JsonArray([.. service.Tags.Select(t => (JsonNode)t)]),
            ["ServiceAddress"] = service.Address,
            ["ServiceTaggedAddresses"] = TaggedAddressesJson(service.TaggedAddresses),
            ["ServiceWeights"] = new JsonObject { ["Passing"] = service.WeightPassing, ["Warning"] = service.WeightWarning },
            ["ServiceMeta"] = MapJson(service.Meta),
            ["ServicePort"] = service.Port,
            ["ServiceEnableTagOverride"] = false,
        };
        if (Edition == DoubleEdition.Enterprise)
        {
            json["Namespace"] = service.Namespace;
            json["Partition"] = "default";
        }

        json["CreateIndex"] = service.CreateIndex;
        json["ModifyIndex"] = service.ModifyIndex;
        return json;
    }

    private static JsonObject MapJson(SortedDictionary<string, string> map)
    {
        var json = new JsonObject();
        foreach (var (key, value) in map)
        {
            json[key] = value;
        }

        return json;
    }

    private static JsonObject? TaggedAddressesJson(SortedDictionary<string, (string Address, int Port)> map)
    {
        if (map.Count == 0)
        {
            return null;
        }

        var json = new JsonObject();
        foreach (var (key, value) in map)
        {
            json[key] = new JsonObject { ["Address"] = value.Address, ["Port"] = value.Port };
        }

        return json;
    }

    // ---- reads -------------------------------------------------------------------------------------------------------

    private bool InNamespace(RequestContext r, string ns) =>
        Edition == DoubleEdition.Community || r.Namespace == "*" || string.Equals(r.Namespace, ns, StringComparison.Ordinal);

    private ReadResult CatalogServices(RequestContext r)
    {
        RejectFilter(r);
        var filtered = false;
        var result = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var service in Store.Services.Values.Where(s => InNamespace(r, s.Namespace)))
        {
            if (!Allows(r.Token, "service", service.Name, AclLevel.Read))
            {
                filtered = true;
                continue;
            }

            if (!result.TryGetValue(service.Name, out var tags))
            {
                result[service.Name] = tags = new SortedSet<string>(StringComparer.Ordinal);
            }

            tags.UnionWith(service.Tags);
        }

        var json = new JsonObject();
        foreach (var (name, tags) in result)
        {
            json[name] = new JsonArray([.. tags.Select(t => (JsonNode)t)]);
        }

        var index = Math.Max(Store.TableIndexes[ConsulDoubleStore.ServicesTable], Store.TableIndexes[ConsulDoubleStore.NodesTable]);
        return new ReadResult(index, 200, json.ToJsonString(), filtered);
    }

    private ReadResult CatalogService(RequestContext r, string name)
    {
        var filter = ParseFilter(r, CatalogMapSelectors, CatalogListSelectors);
        var rows = new JsonArray();
        var visible = VisibleInstances(r, name, filter, ("ServiceMeta", "NodeMeta", "ServiceTags"), out var filtered);
        foreach (var (service, node) in visible)
        {
            rows.Add(CatalogRowJson(service, node));
        }

        return new ReadResult(Store.ServiceQueryIndex(name), 200, rows.ToJsonString(), filtered);
    }

    /// <summary>The instances of a service the token may read (hidden ones set <paramref name="filtered"/>), narrowed by <c>tag</c> and the filter.</summary>
    private List<(StoredService Service, StoredNode Node)> VisibleInstances(RequestContext r, string name, ConsulFilter? filter,
        (string ServiceMeta, string NodeMeta, string Tags) selectors, out bool filtered)
    {
        var tag = r.Query.TryGetValue("tag", out var tagValue) ? tagValue.ToString() : null;
        filtered = false;
        List<(StoredService, StoredNode)> result = [];
        foreach (var service in ServicesNamed(r, name))
        {
            var node = Store.Nodes[service.Node];
            if (!Allows(r.Token, "service", service.Name, AclLevel.Read) || !Allows(r.Token, "node", node.Name, AclLevel.Read))
            {
                filtered = true;
                continue;
            }

            if (tag is not null && !service.Tags.Contains(tag, StringComparer.Ordinal))
            {
                continue;
            }

            if (filter is not null && !filter.Matches((selector, key) =>
                    selector == selectors.ServiceMeta ? service.Meta.GetValueOrDefault(key!)
                    : selector == selectors.NodeMeta ? node.Meta.GetValueOrDefault(key!)
                    : selector == selectors.Tags ? service.Tags
                    : null))
            {
                continue;
            }

            result.Add((service, node));
        }

        return result;
    }

    private IEnumerable<StoredService> ServicesNamed(RequestContext r, string name) =>
        Store.Services.Values
            .Where(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase) && InNamespace(r, s.Namespace) && Store.Nodes.ContainsKey(s.Node))
            .OrderBy(s => s.Node, StringComparer.Ordinal).ThenBy(s => s.Id, StringComparer.Ordinal);

    private ReadResult CatalogNode(RequestContext r, string nodeName)
    {
        RejectFilter(r);
        var index = Math.Max(Store.TableIndexes[ConsulDoubleStore.ServicesTable], Store.TableIndexes[ConsulDoubleStore.NodesTable]);
        if (!Store.Nodes.TryGetValue(nodeName, out var node))
        {
            return new ReadResult(index, 200, "null", Filtered: false);
        }

        if (!Allows(r.Token, "node", node.Name, AclLevel.Read))
        {
            return new ReadResult(index, 200, "null", Filtered: true);
        }

        var filtered = false;
        var services = new JsonObject();
        foreach (var service in Store.Services.Values.Where(s => string.Equals(s.Node, node.Name, StringComparison.OrdinalIgnoreCase) && InNamespace(r, s.Namespace))
                     .OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            if (!Allows(r.Token, "service", service.Name, AclLevel.Read))
            {
                filtered = true;
                continue;
            }

            services[service.Id] = ServiceJson(service);
        }

        return new ReadResult(index, 200, new JsonObject { ["Node"] = NodeJson(node), ["Services"] = services }.ToJsonString(), filtered);
    }

    /// <summary><c>/v1/catalog/nodes</c>, with the <c>node-meta=key:value</c> selector (repeatable; every pair must match).</summary>
    private ReadResult CatalogNodes(RequestContext r)
    {
        RejectFilter(r);
        var wanted = r.Query.TryGetValue("node-meta", out var pairs)
            ? pairs.Select(p => p!.Split(':', 2)).Select(p => (Key: p[0], Value: p.Length > 1 ? p[1] : string.Empty)).ToList()
            : [];
        var filtered = false;
        var nodes = new JsonArray();
        foreach (var node in Store.Nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (!wanted.All(w => node.Meta.TryGetValue(w.Key, out var v) && string.Equals(v, w.Value, StringComparison.Ordinal)))
            {
                continue;
            }

            if (!Allows(r.Token, "node", node.Name, AclLevel.Read))
            {
                filtered = true;
                continue;
            }

            nodes.Add(NodeJson(node));
        }

        return new ReadResult(Store.TableIndexes[ConsulDoubleStore.NodesTable], 200, nodes.ToJsonString(), filtered);
    }

    /// <summary><c>/v1/health/node/&lt;node&gt;</c>: every check of the node, node-level and per service; <c>[]</c> when the node is missing.</summary>
    private ReadResult HealthNode(RequestContext r, string nodeName)
    {
        RejectFilter(r);
        var filtered = false;
        var checks = new JsonArray();
        foreach (var check in Store.Checks.Values.Where(c => string.Equals(c.Node, nodeName, StringComparison.OrdinalIgnoreCase) && InNamespace(r, c.Namespace))
                     .OrderBy(c => c.CheckId, StringComparer.Ordinal))
        {
            var allowed = check.ServiceName.Length > 0
                ? Allows(r.Token, "service", check.ServiceName, AclLevel.Read)
                : Allows(r.Token, "node", check.Node, AclLevel.Read);
            if (!allowed)
            {
                filtered = true;
                continue;
            }

            checks.Add(CheckJson(check));
        }

        return new ReadResult(Math.Max(Store.TableIndexes[ConsulDoubleStore.ChecksTable], Store.TableIndexes[ConsulDoubleStore.NodesTable]), 200, checks.ToJsonString(), filtered);
    }

    private ReadResult CatalogNodeServices(RequestContext r, string nodeName)
    {
        var filter = ParseFilter(r, NodeServicesMapSelectors, NodeServicesListSelectors);
        var index = Math.Max(Store.TableIndexes[ConsulDoubleStore.ServicesTable], Store.TableIndexes[ConsulDoubleStore.NodesTable]);
        if (!Store.Nodes.TryGetValue(nodeName, out var node) || !Allows(r.Token, "node", nodeName, AclLevel.Read))
        {
            return new ReadResult(index, 200, new JsonObject { ["Node"] = null, ["Services"] = new JsonArray() }.ToJsonString(), node is not null);
        }

        var filtered = false;
        var services = new JsonArray();
        foreach (var service in Store.Services.Values.Where(s => string.Equals(s.Node, node.Name, StringComparison.OrdinalIgnoreCase) && InNamespace(r, s.Namespace))
                     .OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            if (!Allows(r.Token, "service", service.Name, AclLevel.Read))
            {
                filtered = true;
                continue;
            }

            if (filter is not null && !filter.Matches((selector, key) => selector switch
                {
                    "Meta" => service.Meta.GetValueOrDefault(key!),
                    "Tags" => service.Tags,
                    _ => null,
                }))
            {
                continue;
            }

            services.Add(ServiceJson(service));
        }

        return new ReadResult(index, 200, new JsonObject { ["Node"] = NodeJson(node), ["Services"] = services }.ToJsonString(), filtered);
    }

    private ReadResult HealthService(RequestContext r, string name)
    {
        var filter = ParseFilter(r, HealthMapSelectors, HealthListSelectors);
        var passing = false;
        if (r.Query.TryGetValue("passing", out var passingValue))
        {
            var text = passingValue.ToString();
            passing = text.Length == 0 || (bool.TryParse(text, out var parsed) ? parsed : throw new DoubleErrorException(400, ConsulTexts.InvalidPassing));
        }

        var entries = new JsonArray();
        var visible = VisibleInstances(r, name, filter, ("Service.Meta", "Node.Meta", "Service.Tags"), out var filtered);
        foreach (var (service, node) in visible)
        {
            var checks = Store.ChecksOf(service).OrderBy(c => c.CheckId, StringComparer.Ordinal).ToList();
            if (passing && checks.Any(c => !string.Equals(c.Status, "passing", StringComparison.Ordinal)))
            {
                continue;
            }

            entries.Add(new JsonObject
            {
                ["Node"] = NodeJson(node),
                ["Service"] = ServiceJson(service),
                ["Checks"] = new JsonArray([.. checks.Select(c => (JsonNode)CheckJson(c))]),
            });
        }

        return new ReadResult(Store.ServiceQueryIndex(name), 200, entries.ToJsonString(), filtered);
    }

    private static ConsulFilter? ParseFilter(RequestContext r, string[] maps, string[] lists) =>
        r.Query.TryGetValue("filter", out var filter) && filter.ToString().Length > 0 ? ConsulFilter.Parse(filter.ToString(), maps, lists) : null;

    private static void RejectFilter(RequestContext r)
    {
        if (r.Query.ContainsKey("filter"))
        {
            throw new DoubleErrorException(400, $"The Consul test double does not support filter on {r.Path}");
        }
    }

    // ---- catalog writes ----------------------------------------------------------------------------------------------

    private string CatalogRegister(RequestContext r)
    {
        var body = JsonBody(r) as JsonObject ?? throw new DoubleErrorException(400, "Bad request: Request decoding failed: empty body");
        if (HasPeerName(body))
        {
            throw new DoubleErrorException(500, ConsulTexts.PeerNameRegistration);
        }

        var nodeName = Str(body, "Node");
        if (string.IsNullOrEmpty(nodeName))
        {
            throw new DoubleErrorException(400, "Must provide node");
        }

        var skipNodeUpdate = body["SkipNodeUpdate"]?.GetValue<bool>() ?? false;
        var address = Str(body, "Address");
        var nodeExists = Store.Nodes.ContainsKey(nodeName);
        if (string.IsNullOrEmpty(address) && !(skipNodeUpdate && nodeExists))
        {
            throw new DoubleErrorException(400, "Must provide address");
        }

        if (!nodeExists || !skipNodeUpdate)
        {
            Require(r.Token, "node", nodeName, AclLevel.Write);
        }

        var ns = Str(body, "Namespace") ?? r.Namespace;
        StoredService? service = null;
        if (body["Service"] is JsonObject serviceJson)
        {
            service = ParseService(serviceJson, nodeName, Edition == DoubleEdition.Enterprise ? Str(serviceJson, "Namespace") ?? ns : "default");
            Require(r.Token, "service", service.Name, AclLevel.Write);
        }

        var checks = new List<JsonObject>();
        if (body["Check"] is JsonObject single)
        {
            checks.Add(single);
        }

        if (body["Checks"] is JsonArray many)
        {
            checks.AddRange(many.OfType<JsonObject>());
        }

        var index = Store.NextIndex();
        if (!nodeExists || !skipNodeUpdate)
        {
            UpsertNode(Store, new StoredNode(nodeName, address ?? string.Empty, ParseMap(body["TaggedAddresses"]), ParseMap(body["NodeMeta"]), index, index), index);
        }

        if (service is not null)
        {
            UpsertService(Store, service with { CreateIndex = index, ModifyIndex = index }, index);
        }

        foreach (var checkJson in checks)
        {
            var check = ParseCheck(checkJson, nodeName, ns);
            if (check.ServiceId.Length > 0)
            {
                var owner = Store.Services.GetValueOrDefault(ConsulDoubleStore.ServiceKey(nodeName, check.ServiceId))
                    ?? throw new DoubleErrorException(500, $"Unknown service ID '{check.ServiceId}' for check ID '{check.CheckId}'");
                Require(r.Token, "service", owner.Name, AclLevel.Write);
                check = check with { ServiceName = owner.Name };
            }
            else
            {
                Require(r.Token, "node", nodeName, AclLevel.Write);
            }

            UpsertCheck(Store, check with { CreateIndex = index, ModifyIndex = index }, index);
        }

        return "true";
    }

    private string CatalogDeregister(RequestContext r)
    {
        var body = JsonBody(r) as JsonObject ?? throw new DoubleErrorException(400, "Bad request: Request decoding failed: empty body");
        var nodeName = Str(body, "Node");
        if (string.IsNullOrEmpty(nodeName))
        {
            throw new DoubleErrorException(400, "Must provide node");
        }

        var serviceId = Str(body, "ServiceID");
        var checkId = Str(body, "CheckID");
        if (!string.IsNullOrEmpty(serviceId))
        {
            if (Store.Services.TryGetValue(ConsulDoubleStore.ServiceKey(nodeName, serviceId), out var service))
            {
                Require(r.Token, "service", service.Name, AclLevel.Write);
                Store.DeleteService(nodeName, serviceId, Store.NextIndex());
            }
        }
        else if (!string.IsNullOrEmpty(checkId))
        {
            Require(r.Token, "node", nodeName, AclLevel.Write);
            if (Store.Checks.Remove(ConsulDoubleStore.ServiceKey(nodeName, checkId), out var check))
            {
                var index = Store.NextIndex();
                Store.Touch(ConsulDoubleStore.ChecksTable, index);
                TouchForCheck(Store, check, index);
            }
        }
        else
        {
            Require(r.Token, "node", nodeName, AclLevel.Write);
            Store.DeleteNode(nodeName, Store.NextIndex());
        }

        return "true";
    }

    private static void UpsertNode(ConsulDoubleStore store, StoredNode node, ulong index)
    {
        if (store.Nodes.TryGetValue(node.Name, out var existing))
        {
            if (existing.SameContent(node))
            {
                return;
            }

            node = node with { CreateIndex = existing.CreateIndex, ModifyIndex = index, AgentOwned = existing.AgentOwned, Name = existing.Name };
        }

        store.Nodes[node.Name] = node;
        store.Touch(ConsulDoubleStore.NodesTable, index);
        store.TouchServicesOnNode(node.Name, index);
    }

    /// <summary>An identical re-registration keeps the entry's ModifyIndex but still bumps the service index and wakes watchers (reference §2 rule 10).</summary>
    private static void UpsertService(ConsulDoubleStore store, StoredService service, ulong index)
    {
        var key = ConsulDoubleStore.ServiceKey(service.Node, service.Id);
        if (store.Services.TryGetValue(key, out var existing))
        {
            service = existing.SameContent(service)
                ? existing
                : service with { CreateIndex = existing.CreateIndex, ModifyIndex = index, WrittenByAgent = existing.WrittenByAgent && service.WrittenByAgent };
            if (!string.Equals(existing.Name, service.Name, StringComparison.OrdinalIgnoreCase))
            {
                store.TouchService(existing.Name, index);
            }
        }

        store.Services[key] = service;
        store.TouchService(service.Name, index);
    }

    private static void UpsertCheck(ConsulDoubleStore store, StoredCheck check, ulong index)
    {
        var key = ConsulDoubleStore.ServiceKey(check.Node, check.CheckId);
        if (store.Checks.TryGetValue(key, out var existing))
        {
            check = existing.SameContent(check) ? existing : check with { CreateIndex = existing.CreateIndex, ModifyIndex = index };
        }

        store.Checks[key] = check;
        store.Touch(ConsulDoubleStore.ChecksTable, index);
        TouchForCheck(store, check, index);
    }

    private static void TouchForCheck(ConsulDoubleStore store, StoredCheck check, ulong index)
    {
        if (check.ServiceName.Length > 0)
        {
            store.TouchService(check.ServiceName, index);
        }
        else
        {
            store.TouchServicesOnNode(check.Node, index);
        }
    }

    private static StoredService ParseService(JsonObject json, string node, string ns)
    {
        var name = Str(json, "Service");
        if (string.IsNullOrEmpty(name))
        {
            throw new DoubleErrorException(400, "Invalid service: Service name is required");
        }

        var tagged = new SortedDictionary<string, (string, int)>(StringComparer.Ordinal);
        if (json["TaggedAddresses"] is JsonObject taggedJson)
        {
            foreach (var (key, value) in taggedJson)
            {
                tagged[key] = (Str(value as JsonObject, "Address") ?? string.Empty, (value as JsonObject)?["Port"]?.GetValue<int>() ?? 0);
            }
        }

        var weights = json["Weights"] as JsonObject;
        return new StoredService(node, Str(json, "ID") is { Length: > 0 } id ? id : name, name, Str(json, "Kind") ?? string.Empty,
            json["Tags"] is JsonArray tags ? [.. tags.Select(t => t!.GetValue<string>())] : [], ParseMap(json["Meta"]), Str(json, "Address") ?? string.Empty,
            json["Port"]?.GetValue<int>() ?? 0, tagged, weights?["Passing"]?.GetValue<int>() ?? 1, weights?["Warning"]?.GetValue<int>() ?? 1, ns, 0, 0);
    }

    private static StoredCheck ParseCheck(JsonObject json, string defaultNode, string ns)
    {
        var checkId = Str(json, "CheckID") is { Length: > 0 } id ? id : Str(json, "Name") ?? throw new DoubleErrorException(400, "Missing check ID");
        var status = Str(json, "Status") is { Length: > 0 } s ? s : "critical";
        if (status is not ("passing" or "warning" or "critical" or "maintenance"))
        {
            throw new DoubleErrorException(400, $"Invalid check status: \"{status}\"");
        }

        return new StoredCheck(Str(json, "Node") is { Length: > 0 } node ? node : defaultNode, checkId, Str(json, "Name") ?? checkId, status,
            Str(json, "Notes") ?? string.Empty, Str(json, "Output") ?? string.Empty, Str(json, "ServiceID") ?? string.Empty,
            Str(json, "ServiceName") ?? string.Empty, Str(json, "Type") ?? string.Empty, ns, 0, 0);
    }

    private static bool HasPeerName(JsonObject body)
    {
        static bool Has(JsonNode? node) => node is JsonObject o && !string.IsNullOrEmpty(Str(o, "PeerName"));
        return Has(body) || Has(body["Service"]) || Has(body["Check"]) || (body["Checks"] is JsonArray checks && checks.Any(Has));
    }

    private static string? Str(JsonObject? json, string name) =>
        json?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static SortedDictionary<string, string> ParseMap(JsonNode? node)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject json)
        {
            foreach (var (key, value) in json)
            {
                map[key] = value?.GetValue<string>() ?? string.Empty;
            }
        }

        return map;
    }

    private static string U(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
