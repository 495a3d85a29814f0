using System.Globalization;
using System.Text.Json.Nodes;

namespace MeshInterop.Consul.Tests.ConsulDouble;

public sealed partial class FakeConsulServer
{
    private static JsonObject KvJson(StoredKv kv)
    {
        var json = new JsonObject
        {
            ["LockIndex"] = kv.LockIndex,
            ["Key"] = kv.Key,
            ["Flags"] = kv.Flags,
            ["Value"] = kv.Value.Length == 0 ? null : Convert.ToBase64String(kv.Value),
        };
        if (kv.Session is not null)
        {
            json["Session"] = kv.Session;
        }

        json["CreateIndex"] = kv.CreateIndex;
        json["ModifyIndex"] = kv.ModifyIndex;
        return json;
    }

    private ReadResult KvGet(RequestContext r, string key)
    {
        Require(r.Token, "key", key, AclLevel.Read);
        return Store.Kv.TryGetValue(key, out var kv)
            ? new ReadResult(kv.ModifyIndex, 200, new JsonArray(KvJson(kv)).ToJsonString(), Filtered: false)
            : new ReadResult(Store.TableIndexes[ConsulDoubleStore.KvTable], 404, string.Empty, Filtered: false, IsJson: false);
    }

    private string KvPut(RequestContext r, string key)
    {
        Require(r.Token, "key", key, AclLevel.Write);
        var existing = Store.Kv.GetValueOrDefault(key);
        var value = r.RawBody;
        var flags = r.Query.TryGetValue("flags", out var flagsText) ? ulong.Parse(flagsText.ToString(), CultureInfo.InvariantCulture) : existing?.Flags ?? 0;
        if (r.Query.TryGetValue("cas", out var casText) && !CasMatches(existing?.ModifyIndex, ulong.Parse(casText.ToString(), CultureInfo.InvariantCulture)))
        {
            return "false";
        }

        var session = existing?.Session;
        var lockIndex = existing?.LockIndex ?? 0;
        if (r.Query.TryGetValue("acquire", out var acquire))
        {
            var id = acquire.ToString();
            if (!Store.Sessions.TryGetValue(id, out var holder))
            {
                throw new DoubleErrorException(500, $"invalid session \"{id}\"");
            }

            Require(r.Token, "session", holder.Node, AclLevel.Write);
            if (session is not null && !string.Equals(session, id, StringComparison.Ordinal))
            {
                return "false";
            }

            if (session is null && Store.LockDelays.TryGetValue(key, out var until) && TimeProvider.GetUtcNow() < until)
            {
                return "false";
            }

            if (session is null)
            {
                lockIndex++;
            }

            session = id;
        }
        else if (r.Query.TryGetValue("release", out var release))
        {
            if (!string.Equals(session, release.ToString(), StringComparison.Ordinal))
            {
                return "false";
            }

            session = null;
        }

        var index = Store.NextIndex();
        Store.Kv[key] = new StoredKv(key, value, flags, session, lockIndex, existing?.CreateIndex ?? index, index);
        Store.Touch(ConsulDoubleStore.KvTable, index);
        return "true";
    }

    private string KvDelete(RequestContext r, string key)
    {
        Require(r.Token, "key", key, AclLevel.Write);
        var existing = Store.Kv.GetValueOrDefault(key);
        if (r.Query.TryGetValue("cas", out var casText) && existing?.ModifyIndex != ulong.Parse(casText.ToString(), CultureInfo.InvariantCulture))
        {
            return "false";
        }

        if (existing is not null)
        {
            Store.Kv.Remove(key);
            Store.Touch(ConsulDoubleStore.KvTable, Store.NextIndex());
        }

        return "true";
    }

    private static JsonObject SessionJson(StoredSession session) => new()
    {
        ["ID"] = session.Id,
        ["Name"] = session.Name,
        ["Node"] = session.Node,
        ["LockDelay"] = session.LockDelay.Ticks * 100,
        ["Behavior"] = session.Behavior,
        ["TTL"] = session.Ttl is { } ttl ? ((long)ttl.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s" : string.Empty,
        ["NodeChecks"] = new JsonArray(),
        ["ServiceChecks"] = null,
        ["CreateIndex"] = session.CreateIndex,
        ["ModifyIndex"] = session.ModifyIndex,
    };

    private string SessionCreate(RequestContext r)
    {
        var body = JsonBody(r) as JsonObject ?? new JsonObject();
        var node = Str(body, "Node") is { Length: > 0 } n ? n : AgentNodeName;
        if (!Store.Nodes.ContainsKey(node))
        {
            throw new DoubleErrorException(500, $"Missing node registration for \"{node}\"");
        }

        Require(r.Token, "session", node, AclLevel.Write);
        TimeSpan? ttl = null;
        if (Str(body, "TTL") is { Length: > 0 } ttlText)
        {
            if (!TryParseGoDuration(ttlText, out var parsed) || parsed < TimeSpan.FromSeconds(10) || parsed > TimeSpan.FromHours(24))
            {
                throw new DoubleErrorException(400, $"Bad request: Request decoding failed: Invalid Session TTL '{ttlText}', must be between [10s=24h0m0s]");
            }

            ttl = parsed;
        }

        var lockDelay = TimeSpan.FromSeconds(15);
        if (Str(body, "LockDelay") is { Length: > 0 } delayText && !TryParseGoDuration(delayText, out lockDelay))
        {
            throw new DoubleErrorException(400, "Bad request: Request decoding failed: invalid LockDelay");
        }

        var behavior = Str(body, "Behavior") is { Length: > 0 } b ? b : "release";
        if (behavior is not ("release" or "delete"))
        {
            throw new DoubleErrorException(400, $"Bad request: Invalid Behavior setting '{behavior}'");
        }

        var index = Store.NextIndex();
        var id = Guid.NewGuid().ToString();
        Store.Sessions[id] = new StoredSession(id, Str(body, "Name") ?? string.Empty, node, ttl, lockDelay, behavior, index, index, TimeProvider.GetUtcNow());
        Store.Touch(ConsulDoubleStore.SessionsTable, index);
        return new JsonObject { ["ID"] = id }.ToJsonString();
    }

    private string SessionRenew(RequestContext r, string id)
    {
        if (!Store.Sessions.TryGetValue(id, out var session))
        {
            throw new DoubleErrorException(404, $"Session id '{id}' not found");
        }

        Require(r.Token, "session", session.Node, AclLevel.Write);
        session = session with { RenewedAt = TimeProvider.GetUtcNow() };
        Store.Sessions[id] = session;
        return new JsonArray(SessionJson(session)).ToJsonString();
    }

    private string SessionDestroy(RequestContext r, string id)
    {
        if (Store.Sessions.TryGetValue(id, out var session))
        {
            Require(r.Token, "session", session.Node, AclLevel.Write);
            InvalidateSession(id);
        }

        return "true";
    }

    private ReadResult SessionInfo(RequestContext r, string id)
    {
        var list = new JsonArray();
        if (Store.Sessions.TryGetValue(id, out var session))
        {
            list.Add(SessionJson(session));
        }

        return new ReadResult(Store.TableIndexes[ConsulDoubleStore.SessionsTable], 200, list.ToJsonString(), Filtered: false);
    }

    /// <summary>Invalidates a session as Consul does when its TTL lapses or it is destroyed: its locks are released (or its keys deleted) and the lock delay starts.</summary>
    public void InvalidateSession(string id)
    {
        var inLock = Monitor.IsEntered(Store.Gate);
        if (!inLock)
        {
            Commit(_ => InvalidateSessionLocked(id));
            return;
        }

        InvalidateSessionLocked(id);
    }

    private void InvalidateSessionLocked(string id)
    {
        if (!Store.Sessions.Remove(id, out var session))
        {
            return;
        }

        var index = Store.NextIndex();
        Store.Touch(ConsulDoubleStore.SessionsTable, index);
        foreach (var kv in Store.Kv.Values.Where(k => string.Equals(k.Session, id, StringComparison.Ordinal)).ToList())
        {
            Store.LockDelays[kv.Key] = TimeProvider.GetUtcNow() + session.LockDelay;
            if (session.Behavior == "delete")
            {
                Store.Kv.Remove(kv.Key);
            }
            else
            {
                Store.Kv[kv.Key] = kv with { Session = null, ModifyIndex = index };
            }

            Store.Touch(ConsulDoubleStore.KvTable, index);
        }
    }

    /// <summary>Sessions whose TTL lapsed without a renewal are invalidated lazily, on the next request (the clock is the double's).</summary>
    private void ExpireSessions()
    {
        var now = TimeProvider.GetUtcNow();
        foreach (var session in Store.Sessions.Values.Where(s => s.Ttl is { } ttl && now - s.RenewedAt >= ttl).ToList())
        {
            InvalidateSessionLocked(session.Id);
        }
    }
}
