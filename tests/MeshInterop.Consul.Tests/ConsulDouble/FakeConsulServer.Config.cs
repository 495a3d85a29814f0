using System.Globalization;
using System.Text.Json.Nodes;

namespace MeshInterop.Consul.Tests.ConsulDouble;

public sealed partial class FakeConsulServer
{
    private static readonly HashSet<string> MeshKinds = new(StringComparer.Ordinal) { "exported-services", "terminating-gateway", "mesh", "proxy-defaults", "ingress-gateway", "api-gateway" };
    private static readonly HashSet<string> KnownKinds = new(StringComparer.Ordinal)
    {
        "exported-services", "terminating-gateway", "mesh", "proxy-defaults", "ingress-gateway", "api-gateway",
        "service-defaults", "service-intentions", "service-resolver", "service-router", "service-splitter",
    };

    private void RequireConfig(RequestContext r, string kind, string name, AclLevel level)
    {
        if (MeshKinds.Contains(kind))
        {
            Require(r.Token, "mesh", string.Empty, level);
        }
        else
        {
            Require(r.Token, "service", name, level);
        }
    }

    private JsonObject ConfigJson(StoredConfig entry)
    {
        var json = new JsonObject { ["Kind"] = entry.Kind, ["Name"] = entry.Name };
        foreach (var (key, value) in entry.Body)
        {
            if (key is not ("Kind" or "Name"))
            {
                json[key] = value?.DeepClone();
            }
        }

        if (Edition == DoubleEdition.Enterprise)
        {
            json["Namespace"] = entry.Namespace;
            json["Partition"] = "default";
        }

        json["CreateIndex"] = entry.CreateIndex;
        json["ModifyIndex"] = entry.ModifyIndex;
        return json;
    }

    private ReadResult ConfigGet(RequestContext r, string kind, string name)
    {
        RequireConfig(r, kind, name, AclLevel.Read);
        var ns = Edition == DoubleEdition.Enterprise ? r.Namespace : "default";
        if (!Store.ConfigEntries.TryGetValue(ConsulDoubleStore.ConfigKey(kind, name, ns), out var entry))
        {
            return new ReadResult(Store.TableIndexes[ConsulDoubleStore.ConfigTable], 404, ConsulTexts.ConfigNotFound(kind, name), Filtered: false, IsJson: false);
        }

        return new ReadResult(entry.ModifyIndex, 200, ConfigJson(entry).ToJsonString(), Filtered: false);
    }

    private ReadResult ConfigList(RequestContext r, string kind)
    {
        var filtered = false;
        var list = new JsonArray();
        foreach (var entry in Store.ConfigEntries.Values.Where(e => string.Equals(e.Kind, kind, StringComparison.Ordinal) && InNamespace(r, e.Namespace))
                     .OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var allowed = MeshKinds.Contains(kind) ? Allows(r.Token, "mesh", string.Empty, AclLevel.Read) : Allows(r.Token, "service", entry.Name, AclLevel.Read);
            if (!allowed)
            {
                filtered = true;
                continue;
            }

            list.Add(ConfigJson(entry));
        }

        return new ReadResult(Store.TableIndexes[ConsulDoubleStore.ConfigTable], 200, list.ToJsonString(), filtered);
    }

    private string ConfigSet(RequestContext r)
    {
        var body = JsonBody(r) as JsonObject ?? throw new DoubleErrorException(400, "Bad request: Request decoding failed: empty body");
        var kind = Str(body, "Kind");
        var name = Str(body, "Name");
        if (string.IsNullOrEmpty(kind) || !KnownKinds.Contains(kind))
        {
            throw new DoubleErrorException(400, $"Bad request: Request decoding failed: invalid config entry kind: {kind}");
        }

        if (kind == "mesh")
        {
            name = "mesh";
        }

        if (string.IsNullOrEmpty(name))
        {
            throw new DoubleErrorException(400, "Bad request: Request decoding failed: Name is required");
        }

        if (Edition == DoubleEdition.Community)
        {
            foreach (var key in new[] { "Namespace", "Partition" })
            {
                if (body.ContainsKey(key))
                {
                    var what = key == "Namespace" ? "namespaces" : "partitions";
                    throw new DoubleErrorException(400, $"Bad request: Request decoding failed: 1 error occurred:\n\t* invalid config key \"{key}\", {what} are a consul enterprise feature\n\n");
                }
            }

            if (kind == "exported-services" && !string.Equals(name, "default", StringComparison.Ordinal))
            {
                throw new DoubleErrorException(500, ConsulTexts.ExportedServicesNameOnCe);
            }
        }

        if (kind == "exported-services")
        {
            ValidateExportedServices(body);
        }

        RequireConfig(r, kind, name, AclLevel.Write);
        var ns = Edition == DoubleEdition.Enterprise ? Str(body, "Namespace") ?? r.Namespace : "default";
        var key2 = ConsulDoubleStore.ConfigKey(kind, name, ns);
        var existing = Store.ConfigEntries.GetValueOrDefault(key2);
        if (r.Query.TryGetValue("cas", out var casText))
        {
            var cas = ulong.Parse(casText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture);
            if ((cas == 0 && existing is not null) || (cas != 0 && existing?.ModifyIndex != cas))
            {
                return "false";
            }
        }

        var stored = new JsonObject();
        foreach (var (key, value) in body)
        {
            if (key is not ("CreateIndex" or "ModifyIndex" or "Namespace" or "Partition"))
            {
                stored[key] = value?.DeepClone();
            }
        }

        var index = Store.NextIndex();
        Store.ConfigEntries[key2] = new StoredConfig(kind, name, ns, stored, existing?.CreateIndex ?? index, index);
        Store.Touch(ConsulDoubleStore.ConfigTable, index);
        return "true";
    }

    private static void ValidateExportedServices(JsonObject body)
    {
        if (body["Services"] is not JsonArray services)
        {
            return;
        }

        foreach (var service in services.OfType<JsonObject>())
        {
            var consumers = service["Consumers"] as JsonArray;
            if (consumers is null || consumers.Count == 0)
            {
                throw new DoubleErrorException(500, $"service \"{Str(service, "Name")}\" must have at least one consumer");
            }

            foreach (var consumer in consumers.OfType<JsonObject>())
            {
                var peer = Str(consumer, "Peer") ?? Str(consumer, "PeerName") ?? Str(consumer, "peer_name");
                if (peer == "*")
                {
                    throw new DoubleErrorException(500, "exporting to all peers (wildcard) is not supported");
                }
            }
        }
    }

    private string ConfigDelete(RequestContext r, string kind, string name)
    {
        RequireConfig(r, kind, name, AclLevel.Write);
        var ns = Edition == DoubleEdition.Enterprise ? r.Namespace : "default";
        var key = ConsulDoubleStore.ConfigKey(kind, name, ns);
        var existing = Store.ConfigEntries.GetValueOrDefault(key);
        string result = "{}";
        if (r.Query.TryGetValue("cas", out var casText))
        {
            var cas = ulong.Parse(casText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture);
            if (cas == 0)
            {
                throw new DoubleErrorException(400, "Bad request: cas index must be non-zero");
            }

            if (existing?.ModifyIndex != cas)
            {
                return "false";
            }

            result = "true";
        }

        if (existing is not null)
        {
            Store.ConfigEntries.Remove(key);
            Store.Touch(ConsulDoubleStore.ConfigTable, Store.NextIndex());
        }

        return result;
    }
}
