using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace MeshInterop.Consul.Tests.ConsulDouble;

public sealed partial class FakeConsulServer
{
    /// <summary>What one request asks for, parsed once.</summary>
    private sealed class RequestContext
    {
        public required HttpContext Http { get; init; }

        public required string Method { get; init; }

        public required string Path { get; init; }

        public required string[] Segments { get; init; }

        public required IQueryCollection Query { get; init; }

        public AclToken? Token { get; set; }

        public bool Stale { get; init; }

        public bool Consistent { get; init; }

        public ulong Index { get; init; }

        public TimeSpan Wait { get; init; }

        public string Namespace { get; set; } = "default";

        public long Sequence { get; init; }

        public byte[] RawBody { get; set; } = [];

        public string? Tail(int from) => Segments.Length > from ? string.Join('/', Segments[from..]) : null;
    }

    /// <summary>The outcome of evaluating a read: its index, body and whether ACLs hid part of it.</summary>
    private sealed record ReadResult(ulong Index, int StatusCode, string Body, bool Filtered, bool IsJson = true);

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        var sequence = Interlocked.Increment(ref _sequence);
        var tokenHeader = http.Request.Headers["X-Consul-Token"].FirstOrDefault();
        lock (_signalGate)
        {
            _requests.Add(new DoubleRequest(http.Request.Method, path, http.Request.QueryString.Value ?? string.Empty, tokenHeader, sequence));
        }

        Pulse();
        http.Response.Headers["X-Consul-Default-ACL-Policy"] = AclsEnabled ? AclDefaultPolicy : "allow";
        try
        {
            if (Faults.Take(ConsulDoubleFaults.Kind.Delay, path) is { } slow)
            {
                // The timer starts before the signal, so a test that moves the clock once signalled cannot miss it.
                var delay = Task.Delay(slow.Delay, TimeProvider, http.RequestAborted);
                lock (_signalGate)
                {
                    _delayed.Add(path);
                }

                Pulse();
                await delay;
            }

            var drop = Faults.Take(ConsulDoubleFaults.Kind.Drop, path) is not null;
            if (Faults.Take(ConsulDoubleFaults.Kind.Fail, path) is { } fail)
            {
                await WritePlainAsync(http, fail.StatusCode, fail.Text);
                return;
            }

            var request = Parse(http, path, sequence);
            CheckEdition(request);
            request.Token = ResolveToken(http);
            if (request.Stale && request.Consistent)
            {
                throw new DoubleErrorException(400, ConsulTexts.StaleAndConsistent);
            }

            var isWrite = !HttpMethods.IsGet(request.Method);
            if (Faults.LeaderLost && (isWrite || !request.Stale) && !IsAgentLocal(path))
            {
                throw new DoubleErrorException(500, ConsulTexts.NoLeader);
            }

            if (drop && (request.Index == 0 || isWrite))
            {
                http.Abort();
                return;
            }

            await RouteAsync(request, drop);
        }
        catch (DoubleErrorException error)
        {
            if (!http.Response.HasStarted)
            {
                if (error.IsJson)
                {
                    await WriteJsonAsync(http, error.StatusCode, error.Text);
                }
                else
                {
                    await WritePlainAsync(http, error.StatusCode, error.Text);
                }
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or the test dropped the connection); nothing to answer.
        }
    }

    private static bool IsAgentLocal(string path) => path.StartsWith("/v1/agent/", StringComparison.Ordinal);

    private static RequestContext Parse(HttpContext http, string path, long sequence)
    {
        var query = http.Request.Query;
        ulong index = 0;
        if (query.TryGetValue("index", out var indexText) && !ulong.TryParse(indexText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out index))
        {
            throw new DoubleErrorException(400, ConsulTexts.InvalidIndex);
        }

        var wait = TimeSpan.FromMinutes(5);
        if (query.TryGetValue("wait", out var waitText) && !TryParseGoDuration(waitText.ToString(), out wait))
        {
            throw new DoubleErrorException(400, ConsulTexts.InvalidWait);
        }

        var segments = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        return new RequestContext
        {
            Http = http,
            Method = http.Request.Method,
            Path = path,
            Segments = segments,
            Query = query,
            Stale = query.ContainsKey("stale") || query.ContainsKey("max_stale"),
            Consistent = query.ContainsKey("consistent"),
            Index = index,
            Wait = wait > TimeSpan.FromMinutes(10) ? TimeSpan.FromMinutes(10) : wait,
            Sequence = sequence,
        };
    }

    private void CheckEdition(RequestContext request)
    {
        var ns = request.Query.TryGetValue("ns", out var nsValue) ? nsValue.ToString() : null;
        var partition = request.Query.TryGetValue("partition", out var partitionValue) ? partitionValue.ToString() : null;
        var nsHeader = request.Http.Request.Headers["X-Consul-Namespace"].FirstOrDefault();
        var partitionHeader = request.Http.Request.Headers["X-Consul-Partition"].FirstOrDefault();
        if (Edition == DoubleEdition.Community)
        {
            // Routes for objects without namespaces ignore ns even on CE (Consul issue #7305).
            var namespaced = !request.Path.StartsWith("/v1/catalog/nodes", StringComparison.Ordinal) && !IsAgentLocal(request.Path);
            if (namespaced && !string.IsNullOrEmpty(ns))
            {
                throw new DoubleErrorException(400, "Bad request: " + ConsulTexts.NamespaceQueryOnCe);
            }

            if (namespaced && !string.IsNullOrEmpty(partition))
            {
                throw new DoubleErrorException(400, "Bad request: " + ConsulTexts.PartitionQueryOnCe);
            }

            if (!string.IsNullOrEmpty(nsHeader))
            {
                throw new DoubleErrorException(400, ConsulTexts.NamespaceHeaderOnCe);
            }

            if (!string.IsNullOrEmpty(partitionHeader))
            {
                throw new DoubleErrorException(400, ConsulTexts.PartitionHeaderOnCe);
            }

            return;
        }

        request.Namespace = !string.IsNullOrEmpty(ns) ? ns : !string.IsNullOrEmpty(nsHeader) ? nsHeader : "default";
    }

    private AclToken? ResolveToken(HttpContext http)
    {
        if (!AclsEnabled)
        {
            return null;
        }

        // Consul's precedence: ?token, then X-Consul-Token, then Bearer.
        var secret = http.Request.Query.TryGetValue("token", out var queryToken) ? queryToken.ToString()
            : http.Request.Headers["X-Consul-Token"].FirstOrDefault()
              ?? (http.Request.Headers.Authorization.FirstOrDefault() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : null);
        if (string.IsNullOrEmpty(secret))
        {
            return new AclToken(string.Empty, ConsulTexts.AnonymousAccessorId, IsManagement: false, AnonymousRules);
        }

        return Tokens.TryGetValue(secret, out var token) ? token : throw new DoubleErrorException(403, ConsulTexts.AclNotFound);
    }

    /// <summary>Whether the token grants <paramref name="level"/> on <paramref name="resource"/> <paramref name="name"/>: the longest matching prefix wins.</summary>
    private bool Allows(AclToken? token, string resource, string name, AclLevel level)
    {
        if (token is null || token.IsManagement)
        {
            return true;
        }

        var best = token.Rules.Where(r => string.Equals(r.Resource, resource, StringComparison.Ordinal) && name.StartsWith(r.Prefix, StringComparison.Ordinal))
            .OrderByDescending(r => r.Prefix.Length).FirstOrDefault();
        if (best is null)
        {
            return string.Equals(AclDefaultPolicy, "allow", StringComparison.Ordinal);
        }

        return best.Level >= level;
    }

    private void Require(AclToken? token, string resource, string name, AclLevel level)
    {
        if (!Allows(token, resource, name, level))
        {
            throw new DoubleErrorException(403, Denial(token!, resource, name, level));
        }
    }

    private static string Denial(AclToken token, string resource, string name, AclLevel level) =>
        ConsulTexts.PermissionDenied(token.AccessorId, resource + ":" + (level == AclLevel.Write ? "write" : "read"), name);

    private Task RouteAsync(RequestContext r, bool dropWhenParked)
    {
        var s = r.Segments;
        var m = r.Method;
        if (s.Length < 2 || !string.Equals(s[0], "v1", StringComparison.Ordinal))
        {
            throw new DoubleErrorException(404, "404 page not found");
        }

        var area = s[1];
        var action = s.Length > 2 ? s[2] : string.Empty;
        switch (area)
        {
            case "agent" when action == "self":
                Only(r, "GET");
                return WriteJsonAsync(r.Http, 200, AgentSelfJson());
            case "catalog" when action == "register":
                Only(r, "PUT");
                return WriteAsync(r, () => CatalogRegister(r));
            case "catalog" when action == "deregister":
                Only(r, "PUT");
                return WriteAsync(r, () => CatalogDeregister(r));
            case "catalog" when action == "services":
                Only(r, "GET");
                return ReadAsync(r, () => CatalogServices(r), dropWhenParked);
            case "catalog" when action == "service":
                Only(r, "GET");
                return ReadAsync(r, () => CatalogService(r, Required(r, 3, "Missing service name")), dropWhenParked);
            case "catalog" when action == "nodes":
                Only(r, "GET");
                return ReadAsync(r, () => CatalogNodes(r), dropWhenParked);
            case "health" when action == "node":
                Only(r, "GET");
                return ReadAsync(r, () => HealthNode(r, Required(r, 3, "Missing node name")), dropWhenParked);
            case "catalog" when action == "node":
                Only(r, "GET");
                return ReadAsync(r, () => CatalogNode(r, Required(r, 3, "Missing node name")), dropWhenParked);
            case "catalog" when action == "node-services":
                Only(r, "GET");
                return ReadAsync(r, () => CatalogNodeServices(r, Required(r, 3, "Missing node name")), dropWhenParked);
            case "health" when action == "service" && r.Query.TryGetValue("peer", out var peer):
                Only(r, "GET");
                return ReadAsync(r, () => PeeredHealthService(r, Required(r, 3, "Missing service name"), peer.ToString()), dropWhenParked);
            case "health" when action == "service":
                Only(r, "GET");
                return ReadAsync(r, () => HealthService(r, Required(r, 3, "Missing service name")), dropWhenParked);
            case "connect" when action == "ca" && s.Length == 4 && s[3] == "roots":
                Only(r, "GET");
                return ConnectTrustDomain is { } trustDomain
                    ? ReadAsync(r, () => new ReadResult(Store.TableIndexes[ConsulDoubleStore.ConfigTable], 200,
                        new JsonObject { ["ActiveRootID"] = "c7:bd:55:4b", ["TrustDomain"] = trustDomain, ["Roots"] = new JsonArray() }.ToJsonString(), Filtered: false), dropWhenParked)
                    : throw new DoubleErrorException(500, "Connect must be enabled in order to use this endpoint");
            case "exported-services" when s.Length == 2:
                Only(r, "GET");
                return ReadAsync(r, () => ExportedServices(r), dropWhenParked);
            case "imported-services" when s.Length == 2:
                Only(r, "GET");
                return ReadAsync(r, () => ImportedServices(r), dropWhenParked);
            case "config" when s.Length == 2:
                Only(r, "PUT");
                return WriteAsync(r, () => ConfigSet(r));
            case "config" when s.Length == 3:
                Only(r, "GET");
                return ReadAsync(r, () => ConfigList(r, s[2]), dropWhenParked);
            case "config" when s.Length == 4 && HttpMethods.IsDelete(m):
                return WriteAsync(r, () => ConfigDelete(r, s[2], s[3]));
            case "config" when s.Length == 4:
                Only(r, "GET");
                return ReadAsync(r, () => ConfigGet(r, s[2], s[3]), dropWhenParked);
            case "txn":
                Only(r, "PUT");
                return TxnAsync(r);
            case "kv" when s.Length >= 3:
                return HttpMethods.IsGet(m) ? ReadAsync(r, () => KvGet(r, r.Tail(2)!), dropWhenParked)
                    : HttpMethods.IsPut(m) ? WriteAsync(r, () => KvPut(r, r.Tail(2)!))
                    : HttpMethods.IsDelete(m) ? WriteAsync(r, () => KvDelete(r, r.Tail(2)!))
                    : throw new DoubleErrorException(405, $"method {m} not allowed");
            case "session" when action == "create":
                Only(r, "PUT");
                return WriteAsync(r, () => SessionCreate(r));
            case "session" when action == "renew":
                Only(r, "PUT");
                return WriteAsync(r, () => SessionRenew(r, Required(r, 3, "Missing session")));
            case "session" when action == "destroy":
                Only(r, "PUT");
                return WriteAsync(r, () => SessionDestroy(r, Required(r, 3, "Missing session")));
            case "session" when action == "info":
                Only(r, "GET");
                return ReadAsync(r, () => SessionInfo(r, Required(r, 3, "Missing session")), dropWhenParked);
            default:
                throw new DoubleErrorException(404, "404 page not found");
        }
    }

    private static void Only(RequestContext r, string method)
    {
        if (!string.Equals(r.Method, method, StringComparison.Ordinal))
        {
            r.Http.Response.Headers.Allow = method;
            throw new DoubleErrorException(405, $"method {r.Method} not allowed");
        }
    }

    private static string Required(RequestContext r, int at, string missing) =>
        r.Segments.Length > at && r.Segments[at].Length > 0 ? r.Segments[at] : throw new DoubleErrorException(400, missing);

    // ---- reads and blocking ------------------------------------------------------------------------------------------

    private async Task ReadAsync(RequestContext r, Func<ReadResult> evaluate, bool dropWhenParked)
    {
        ReadResult Evaluate()
        {
            lock (Store.Gate)
            {
                ExpireSessions();
                return evaluate();
            }
        }

        Task changed;
        Task released;
        lock (_signalGate)
        {
            changed = _changed.Task;
            released = _released.Task;
        }

        var result = Evaluate();
        if (r.Index > 0 && result.Index <= r.Index)
        {
            // Park until a relevant write, a release, or min(wait, 10m) + random(0..wait/16).
            var jitterTicks = (long)(_jitter.NextDouble() * (r.Wait.Ticks / 16));
            var deadline = TimeProvider.GetUtcNow() + r.Wait + TimeSpan.FromTicks(jitterTicks);
            var parked = new ParkedQuery(r.Path, r.Sequence);
            lock (_signalGate)
            {
                _parked.Add(parked);
                Interlocked.Increment(ref _parkedTotal);
            }

            Pulse();
            try
            {
                if (dropWhenParked)
                {
                    r.Http.Abort();
                    return;
                }

                while (true)
                {
                    var remaining = deadline - TimeProvider.GetUtcNow();
                    if (remaining <= TimeSpan.Zero)
                    {
                        result = Evaluate();
                        break;
                    }

                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(r.Http.RequestAborted);
                    var delay = Task.Delay(remaining, TimeProvider, timeout.Token);
                    var winner = await Task.WhenAny(changed, released, delay);
                    await timeout.CancelAsync();
                    r.Http.RequestAborted.ThrowIfCancellationRequested();
                    lock (_signalGate)
                    {
                        changed = _changed.Task;
                    }

                    result = Evaluate();
                    if (winner != changed || result.Index > r.Index)
                    {
                        break;
                    }
                }
            }
            finally
            {
                lock (_signalGate)
                {
                    _parked.Remove(parked);
                }

                Pulse();
            }
        }

        var headers = r.Http.Response.Headers;
        var zero = Faults.Take(ConsulDoubleFaults.Kind.ZeroIndex, r.Path) is not null;
        headers["X-Consul-Index"] = (zero ? 0 : result.Index).ToString(CultureInfo.InvariantCulture);
        var leaderLost = Faults.LeaderLost;
        headers["X-Consul-KnownLeader"] = leaderLost ? "false" : "true";
        headers["X-Consul-LastContact"] = ((long)Faults.LastContact.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        headers["X-Consul-Effective-Consistency"] = r.Stale ? "stale" : r.Consistent ? "consistent" : "leader";
        headers["X-Consul-Query-Backend"] = "blocking-query";
        if (result.Filtered)
        {
            headers["X-Consul-Results-Filtered-By-ACLs"] = "true";
        }

        if (!result.IsJson)
        {
            await WritePlainAsync(r.Http, result.StatusCode, result.Body);
            return;
        }

        if (Faults.Take(ConsulDoubleFaults.Kind.Truncate, r.Path) is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(result.Body);
            r.Http.Response.StatusCode = result.StatusCode;
            r.Http.Response.ContentType = "application/json";
            r.Http.Response.ContentLength = bytes.Length;
            await r.Http.Response.StartAsync();
            await r.Http.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await r.Http.Response.Body.FlushAsync();
            r.Http.Abort();
            return;
        }

        await WriteJsonAsync(r.Http, result.StatusCode, result.Body);
    }

    private async Task WriteAsync(RequestContext r, Func<string> apply)
    {
        r.RawBody = await ReadRawAsync(r.Http);
        string body;
        lock (Store.Gate)
        {
            ExpireSessions();
            body = apply();
        }

        SignalChange();
        if (Faults.Take(ConsulDoubleFaults.Kind.FailAfterApply, r.Path) is { } ambiguous)
        {
            await WritePlainAsync(r.Http, ambiguous.StatusCode, ambiguous.Text);
            return;
        }

        await WriteJsonAsync(r.Http, 200, body);
    }

    private static Task WriteJsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes).AsTask();
    }

    private static JsonNode? JsonBody(RequestContext r)
    {
        if (r.RawBody.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(r.RawBody, new JsonNodeOptions { PropertyNameCaseInsensitive = true });
        }
        catch (JsonException ex)
        {
            throw new DoubleErrorException(400, "Bad request: Request decoding failed: " + ex.Message);
        }
    }

    internal static bool TryParseGoDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text.Length == 0)
        {
            return false;
        }

        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            var unit = text[unitStart..i];
            TimeSpan? part = unit switch
            {
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                "us" or "µs" => TimeSpan.FromMicroseconds(number),
                "ns" => TimeSpan.FromTicks((long)(number / 100)),
                _ => null,
            };
            if (part is null)
            {
                return false;
            }

            value += part.Value;
        }

        return true;
    }
}
