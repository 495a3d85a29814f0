using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace MeshInterop.Consul.Tests.ConsulDouble;

public sealed partial class FakeConsulServer
{
    /// <summary>The agent's default <c>txn_max_req_len</c>.</summary>
    public const int TxnMaxRequestBytes = 512 * 1024;

    private sealed class TxnAbort(int opIndex, string what) : Exception(what)
    {
        public int OpIndex { get; } = opIndex;

        public string What { get; } = what;
    }

    private async Task TxnAsync(RequestContext r)
    {
        r.RawBody = await ReadRawAsync(r.Http);
        if (r.RawBody.Length > TxnMaxRequestBytes)
        {
            throw new DoubleErrorException(413, $"Request body too large, max size: {TxnMaxRequestBytes} bytes");
        }

        var ops = JsonBody(r) as JsonArray ?? throw new DoubleErrorException(400, "Bad request: Request decoding failed: expected an array");
        if (ops.Count > 64)
        {
            throw new DoubleErrorException(413, ConsulTexts.TooManyTxnOps(ops.Count));
        }

        var isWrite = ops.OfType<JsonObject>().Any(op => op.FirstOrDefault().Value is JsonObject payload
            && Str(payload, "Verb") is not ("get" or "get-tree" or "check-index" or "check-session" or "check-not-exists"));
        if (isWrite && Faults.LeaderLost)
        {
            throw new DoubleErrorException(500, ConsulTexts.NoLeader);
        }

        string body;
        int status;
        lock (Store.Gate)
        {
            ExpireSessions();
            var work = Store.Clone();
            var results = new JsonArray();
            try
            {
                var index = isWrite ? work.NextIndex() : work.Index;
                for (var i = 0; i < ops.Count; i++)
                {
                    if (ApplyTxnOp(r, work, ops[i] as JsonObject ?? throw new TxnAbort(i, "operation is not an object"), i, index) is { } result)
                    {
                        results.Add(result);
                    }
                }

                Store.ReplaceWith(work);
                status = 200;
                body = new JsonObject { ["Results"] = results, ["Errors"] = null }.ToJsonString();
            }
            catch (TxnAbort abort)
            {
                // All or nothing: the working copy is dropped, the store is untouched.
                status = 409;
                body = new JsonObject
                {
                    ["Results"] = null,
                    ["Errors"] = new JsonArray(new JsonObject { ["OpIndex"] = abort.OpIndex, ["What"] = abort.What }),
                }.ToJsonString();
            }
        }

        if (status == 200 && isWrite)
        {
            SignalChange();
            if (Faults.Take(ConsulDoubleFaults.Kind.FailAfterApply, r.Path) is { } ambiguous)
            {
                await WritePlainAsync(r.Http, ambiguous.StatusCode, ambiguous.Text);
                return;
            }
        }

        await WriteJsonAsync(r.Http, status, body);
    }

    private JsonObject? ApplyTxnOp(RequestContext r, ConsulDoubleStore work, JsonObject op, int i, ulong index)
    {
        if (op.Count != 1)
        {
            throw new TxnAbort(i, "each operation must hold exactly one of KV, Node, Service or Check");
        }

        var (type, payloadNode) = op.First();
        var payload = payloadNode as JsonObject ?? throw new TxnAbort(i, "operation payload is not an object");
        var verb = Str(payload, "Verb") ?? string.Empty;
        switch (type.ToUpperInvariant())
        {
            case "NODE":
                return TxnNode(r, work, payload["Node"] as JsonObject ?? throw new TxnAbort(i, "missing Node"), verb, i, index);
            case "SERVICE":
                return TxnService(r, work, Str(payload, "Node") ?? string.Empty, payload["Service"] as JsonObject ?? throw new TxnAbort(i, "missing Service"), verb, i, index);
            case "CHECK":
                return TxnCheck(r, work, payload["Check"] as JsonObject ?? throw new TxnAbort(i, "missing Check"), verb, i, index);
            case "KV":
                return TxnKv(r, work, payload, verb, i, index);
            default:
                throw new TxnAbort(i, $"unknown operation type \"{type}\"");
        }
    }

    private void TxnRequire(RequestContext r, string resource, string name, AclLevel level, int i)
    {
        if (!Allows(r.Token, resource, name, level))
        {
            throw new TxnAbort(i, Denial(r.Token!, resource, name, level));
        }
    }

    private static ulong ModifyIndexOf(JsonObject json) => json["ModifyIndex"]?.GetValue<ulong>() ?? 0;

    private JsonObject? TxnNode(RequestContext r, ConsulDoubleStore work, JsonObject json, string verb, int i, ulong index)
    {
        var name = Str(json, "Node") ?? throw new TxnAbort(i, "missing node name");
        var existing = work.Nodes.GetValueOrDefault(name);
        TxnRequire(r, "node", name, verb == "get" ? AclLevel.Read : AclLevel.Write, i);
        switch (verb)
        {
            case "get":
                return existing is null ? throw new TxnAbort(i, $"node \"{name}\" doesn't exist") : new JsonObject { ["Node"] = NodeJson(existing) };
            case "set" or "cas":
                if (verb == "cas" && !CasMatches(existing?.ModifyIndex, ModifyIndexOf(json)))
                {
                    throw new TxnAbort(i, $"failed to set node \"{name}\": CAS failed (index mismatch)");
                }

                UpsertNode(work, new StoredNode(name, Str(json, "Address") ?? string.Empty, ParseMap(json["TaggedAddresses"]), ParseMap(json["Meta"]), index, index), index);
                return new JsonObject { ["Node"] = NodeJson(work.Nodes[name]) };
            case "delete" or "delete-cas":
                if (verb == "delete-cas" && (existing is null || existing.ModifyIndex != ModifyIndexOf(json)))
                {
                    throw new TxnAbort(i, $"failed to delete node \"{name}\": CAS failed (index mismatch)");
                }

                work.DeleteNode(name, index);
                return null;
            default:
                throw new TxnAbort(i, $"unknown Node verb \"{verb}\"");
        }
    }

    private JsonObject? TxnService(RequestContext r, ConsulDoubleStore work, string node, JsonObject json, string verb, int i, ulong index)
    {
        var id = Str(json, "ID") is { Length: > 0 } given ? given : Str(json, "Service") ?? throw new TxnAbort(i, "missing service ID");
        var existing = work.Services.GetValueOrDefault(ConsulDoubleStore.ServiceKey(node, id));
        switch (verb)
        {
            case "get":
                if (existing is null)
                {
                    throw new TxnAbort(i, $"service \"{id}\" on node \"{node}\" doesn't exist");
                }

                TxnRequire(r, "service", existing.Name, AclLevel.Read, i);
                return new JsonObject { ["Service"] = ServiceJson(existing) };
            case "set" or "cas":
                if (HasPeerName(json))
                {
                    throw new TxnAbort(i, ConsulTexts.PeerNameRegistration);
                }

                var service = ParseService(json, node, Edition == DoubleEdition.Enterprise ? Str(json, "Namespace") ?? r.Namespace : "default");
                TxnRequire(r, "service", service.Name, AclLevel.Write, i);
                if (!work.Nodes.ContainsKey(node))
                {
                    throw new TxnAbort(i, $"Missing node registration for \"{node}\"");
                }

                if (existing is not null && !string.Equals(existing.Name, service.Name, StringComparison.OrdinalIgnoreCase))
                {
                    throw new TxnAbort(i, $"Invalid service: ID \"{id}\" is already bound to service \"{existing.Name}\"");
                }

                if (verb == "cas" && !CasMatches(existing?.ModifyIndex, ModifyIndexOf(json)))
                {
                    throw new TxnAbort(i, $"failed to set service \"{id}\" on node \"{node}\": CAS failed (index mismatch)");
                }

                UpsertService(work, service with { CreateIndex = index, ModifyIndex = index }, index);
                return new JsonObject { ["Service"] = ServiceJson(work.Services[ConsulDoubleStore.ServiceKey(node, id)]) };
            case "delete" or "delete-cas":
                if (existing is not null)
                {
                    TxnRequire(r, "service", existing.Name, AclLevel.Write, i);
                }

                if (verb == "delete-cas" && (existing is null || existing.ModifyIndex != ModifyIndexOf(json)))
                {
                    throw new TxnAbort(i, $"failed to delete service \"{id}\" on node \"{node}\": CAS failed (index mismatch)");
                }

                work.DeleteService(node, id, index);
                return null;
            default:
                throw new TxnAbort(i, $"unknown Service verb \"{verb}\"");
        }
    }

    private JsonObject? TxnCheck(RequestContext r, ConsulDoubleStore work, JsonObject json, string verb, int i, ulong index)
    {
        var node = Str(json, "Node") ?? throw new TxnAbort(i, "missing check node");
        var id = Str(json, "CheckID") ?? throw new TxnAbort(i, "missing CheckID");
        var key = ConsulDoubleStore.ServiceKey(node, id);
        var existing = work.Checks.GetValueOrDefault(key);
        switch (verb)
        {
            case "get":
                return existing is null ? throw new TxnAbort(i, $"check \"{id}\" on node \"{node}\" doesn't exist") : new JsonObject { ["Check"] = CheckJson(existing) };
            case "set" or "cas":
                var check = ParseCheck(json, node, r.Namespace);
                if (check.ServiceId.Length > 0)
                {
                    // Newer servers authorise a service check by its ServiceName, which must be present when the service is created in the same transaction.
                    var owner = work.Services.GetValueOrDefault(ConsulDoubleStore.ServiceKey(node, check.ServiceId));
                    var serviceName = check.ServiceName.Length > 0 ? check.ServiceName : owner?.Name
                        ?? throw new TxnAbort(i, $"check \"{id}\" refers to unknown service \"{check.ServiceId}\"");
                    TxnRequire(r, "service", serviceName, AclLevel.Write, i);
                    if (owner is null)
                    {
                        throw new TxnAbort(i, $"check \"{id}\" refers to unknown service \"{check.ServiceId}\"");
                    }

                    check = check with { ServiceName = owner.Name };
                }
                else
                {
                    TxnRequire(r, "node", node, AclLevel.Write, i);
                }

                if (!work.Nodes.ContainsKey(node))
                {
                    throw new TxnAbort(i, $"Missing node registration for \"{node}\"");
                }

                if (verb == "cas" && !CasMatches(existing?.ModifyIndex, ModifyIndexOf(json)))
                {
                    throw new TxnAbort(i, $"failed to set check \"{id}\" on node \"{node}\": CAS failed (index mismatch)");
                }

                UpsertCheck(work, check with { CreateIndex = index, ModifyIndex = index }, index);
                return new JsonObject { ["Check"] = CheckJson(work.Checks[key]) };
            case "delete" or "delete-cas":
                if (existing is not null)
                {
                    TxnRequire(r, existing.ServiceName.Length > 0 ? "service" : "node", existing.ServiceName.Length > 0 ? existing.ServiceName : node, AclLevel.Write, i);
                }

                if (verb == "delete-cas" && (existing is null || existing.ModifyIndex != ModifyIndexOf(json)))
                {
                    throw new TxnAbort(i, $"failed to delete check \"{id}\" on node \"{node}\": CAS failed (index mismatch)");
                }

                if (work.Checks.Remove(key, out var removed))
                {
                    work.Touch(ConsulDoubleStore.ChecksTable, index);
                    TouchForCheck(work, removed, index);
                }

                return null;
            default:
                throw new TxnAbort(i, $"unknown Check verb \"{verb}\"");
        }
    }

    private JsonObject? TxnKv(RequestContext r, ConsulDoubleStore work, JsonObject json, string verb, int i, ulong index)
    {
        var key = Str(json, "Key") ?? throw new TxnAbort(i, "missing Key");
        var existing = work.Kv.GetValueOrDefault(key);
        var write = verb is not ("get" or "check-index" or "check-not-exists");
        TxnRequire(r, "key", key, write ? AclLevel.Write : AclLevel.Read, i);
        var value = Str(json, "Value") is { } b64 ? Convert.FromBase64String(b64) : [];
        var wanted = json["Index"]?.GetValue<ulong>() ?? 0;
        switch (verb)
        {
            case "get":
                return existing is null ? throw new TxnAbort(i, $"key \"{key}\" doesn't exist") : new JsonObject { ["KV"] = KvJson(existing) };
            case "check-index":
                return existing?.ModifyIndex == wanted ? null : throw new TxnAbort(i, $"current modify index {existing?.ModifyIndex ?? 0} != {wanted}");
            case "check-not-exists":
                return existing is null ? null : throw new TxnAbort(i, $"key \"{key}\" exists");
            case "set" or "cas":
                if (verb == "cas" && !CasMatches(existing?.ModifyIndex, wanted))
                {
                    throw new TxnAbort(i, $"failed to set key \"{key}\", index is stale");
                }

                work.Kv[key] = new StoredKv(key, value, json["Flags"]?.GetValue<ulong>() ?? 0, existing?.Session, existing?.LockIndex ?? 0, existing?.CreateIndex ?? index, index);
                work.Touch(ConsulDoubleStore.KvTable, index);
                return new JsonObject { ["KV"] = KvJson(work.Kv[key] with { Value = [] }) };
            case "delete" or "delete-cas":
                if (verb == "delete-cas" && existing?.ModifyIndex != wanted)
                {
                    throw new TxnAbort(i, $"failed to delete key \"{key}\", index is stale");
                }

                if (work.Kv.Remove(key))
                {
                    work.Touch(ConsulDoubleStore.KvTable, index);
                }

                return null;
            default:
                throw new TxnAbort(i, $"unknown KV verb \"{verb}\"");
        }
    }

    private static bool CasMatches(ulong? stored, ulong wanted) => wanted == 0 ? stored is null : stored == wanted;

    private static async Task<byte[]> ReadRawAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        return buffer.ToArray();
    }
}
