using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MeshInterop.Consul.Telemetry;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Internal.Client;

/// <summary>The detected server edition: it decides whether namespaces and partitions may be sent.</summary>
internal enum ConsulEdition
{
    Community,
    Enterprise,
}

/// <summary>
/// A typed client for the parts of the Consul HTTP API that MeshInterop uses. One instance per Consul address; thread-safe.
/// </summary>
/// <remarks>
/// The <see cref="HttpClient"/> must have an infinite timeout: every request gets its own deadline from the injected
/// <see cref="TimeProvider"/> (blocking queries <c>wait + wait/16 + margin</c>, others <see cref="ConsulClientOptions.RequestTimeout"/>).
/// </remarks>
internal sealed partial class ConsulHttpClient
{
    private const string TokenHeader = "X-Consul-Token";

    private readonly HttpClient _http;
    private readonly ConsulClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConsulMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Uri _baseAddress;
    private readonly Lock _gate = new();
    private string? _token;
    private ConsulEdition? _edition;

    public ConsulHttpClient(HttpClient http, ConsulClientOptions options, TimeProvider timeProvider, ConsulMetrics metrics, ILogger<ConsulHttpClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        var address = options.Address.ToString();
        _baseAddress = new Uri(address.EndsWith('/') ? address : address + "/", UriKind.Absolute);
        _token = options.Token ?? ReadTokenFile();
    }

    public ConsulClientOptions Options => _options;

    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>Gets the detected edition, or null before <see cref="DetectEditionAsync"/> ran (or after a mismatch reset it).</summary>
    public ConsulEdition? Edition
    {
        get
        {
            lock (_gate)
            {
                return _edition;
            }
        }
    }

    // ---- edition and agent -------------------------------------------------------------------------------------------

    public async Task<AgentSelf> GetAgentSelfAsync(CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Get, "/v1/agent/self", "v1/agent/self", null, false, null, namespaced: false, cancellationToken).ConfigureAwait(false);
        EnsureSuccess(answer, isWrite: false);
        return Deserialize(answer, ConsulJsonContext.Default.AgentSelf, "/v1/agent/self");
    }

    /// <summary>
    /// Detects the edition with the reference's probe: <c>GET /v1/catalog/services?ns=default</c> answers 400 "Enterprise feature"
    /// on CE and 200 on Enterprise. <c>Config.Version</c> of <c>/v1/agent/self</c> is logged but is only informational.
    /// </summary>
    public async Task<ConsulEdition> DetectEditionAsync(CancellationToken cancellationToken)
    {
        var self = await GetAgentSelfAsync(cancellationToken).ConfigureAwait(false);
        var answer = await SendAsync(HttpMethod.Get, "/v1/catalog/services", "v1/catalog/services?ns=default&stale", null, false, null, namespaced: false, cancellationToken).ConfigureAwait(false);
        ConsulEdition edition;
        if (answer.StatusCode == 200)
        {
            edition = ConsulEdition.Enterprise;
        }
        else if (answer.StatusCode == 400 && ReadText(answer).Contains("Enterprise feature", StringComparison.OrdinalIgnoreCase))
        {
            edition = ConsulEdition.Community;
        }
        else
        {
            EnsureSuccess(answer, isWrite: false);
            throw new ConsulBadRequestException("GET /v1/catalog/services", answer.StatusCode, ReadText(answer));
        }

        if (edition == ConsulEdition.Community)
        {
            foreach (var (value, what) in new[] { (_options.Namespace, "Namespace"), (_options.Partition, "Partition") })
            {
                if (value is not null && !string.Equals(value, "default", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"{ConsulClientOptions.SectionName}:{what} is '{value}', but the Consul server at {_options.Address} is Community Edition, which has only the 'default' {what.ToLowerInvariant()}; remove the setting.");
                }
            }
        }

        lock (_gate)
        {
            _edition = edition;
        }

        Log.EditionDetected(_logger, edition.ToString(), self.Config?.Version ?? "unknown", self.Config?.Datacenter ?? "unknown");
        return edition;
    }

    // ---- catalog -----------------------------------------------------------------------------------------------------

    public async Task<bool> RegisterAsync(CatalogRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return await WriteBoolAsync(HttpMethod.Put, "/v1/catalog/register", "v1/catalog/register",
            Serialize(registration, ConsulJsonContext.Default.CatalogRegistration), cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeregisterAsync(CatalogDeregistration deregistration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deregistration);
        return await WriteBoolAsync(HttpMethod.Put, "/v1/catalog/deregister", "v1/catalog/deregister",
            Serialize(deregistration, ConsulJsonContext.Default.CatalogDeregistration), cancellationToken).ConfigureAwait(false);
    }

    public Task<QueryResult<Dictionary<string, List<string>?>>> GetServicesAsync(ConsulQuery query, CancellationToken cancellationToken) =>
        ReadAsync("/v1/catalog/services", "v1/catalog/services", query, ConsulJsonContext.Default.DictionaryStringListString, absentOn404: false, cancellationToken)!;

    public Task<QueryResult<List<CatalogServiceRow>>> GetServiceAsync(string service, ConsulQuery query, CancellationToken cancellationToken) =>
        ReadAsync("/v1/catalog/service/{name}", "v1/catalog/service/" + Segment(service, nameof(service)), query,
            ConsulJsonContext.Default.ListCatalogServiceRow, absentOn404: false, cancellationToken)!;

    /// <summary>Reads a node and its services; the value is null when the node does not exist (Consul answers <c>null</c>).</summary>
    public Task<QueryResult<CatalogNode?>> GetNodeAsync(string node, ConsulQuery query, CancellationToken cancellationToken) =>
        ReadAsync("/v1/catalog/node/{node}", "v1/catalog/node/" + Segment(node, nameof(node)), query,
            ConsulJsonContext.Default.CatalogNode, absentOn404: false, cancellationToken);

    public Task<QueryResult<NodeServices?>> GetNodeServicesAsync(string node, ConsulQuery query, CancellationToken cancellationToken) =>
        ReadAsync("/v1/catalog/node-services/{node}", "v1/catalog/node-services/" + Segment(node, nameof(node)), query,
            ConsulJsonContext.Default.NodeServices, absentOn404: false, cancellationToken);

    /// <summary>Lists nodes, optionally only those carrying a node meta pair (<c>node-meta=key:value</c>), for example the synthetic nodes of one owner.</summary>
    public Task<QueryResult<List<NodeInfo>>> GetNodesAsync(ConsulQuery query, CancellationToken cancellationToken) =>
        ReadAsync("/v1/catalog/nodes", "v1/catalog/nodes", query, ConsulJsonContext.Default.ListNodeInfo, absentOn404: false, cancellationToken)!;

    // ---- health ------------------------------------------------------------------------------------------------------

    /// <summary>Reads every check of a node (node-level and service checks), with their indexes; empty when the node is missing.</summary>
    public Task<QueryResult<List<HealthCheck>>> GetNodeChecksAsync(string node, ConsulQuery query, CancellationToken cancellationToken) =>
        ReadAsync("/v1/health/node/{node}", "v1/health/node/" + Segment(node, nameof(node)), query,
            ConsulJsonContext.Default.ListHealthCheck, absentOn404: false, cancellationToken)!;

    public Task<QueryResult<List<ServiceEntry>>> GetHealthServiceAsync(string service, ConsulQuery query, CancellationToken cancellationToken) =>
        ReadAsync("/v1/health/service/{name}", "v1/health/service/" + Segment(service, nameof(service)), query,
            ConsulJsonContext.Default.ListServiceEntry, absentOn404: false, cancellationToken)!;

    // ---- Connect CA ----------------------------------------------------------------------------------------------------

    /// <summary>Reads <c>/v1/connect/ca/roots</c> for the mesh trust domain (<c>&lt;cluster-id&gt;.consul</c>); needs no ACL.</summary>
    public async Task<QueryResult<CaRoots>> GetCaRootsAsync(ConsulQuery query, CancellationToken cancellationToken) =>
        (await ReadAsync("/v1/connect/ca/roots", "v1/connect/ca/roots", query, ConsulJsonContext.Default.CaRoots, absentOn404: false, cancellationToken).ConfigureAwait(false))!;

    // ---- cluster peering views -------------------------------------------------------------------------------------

    /// <summary>Reads <c>/v1/exported-services</c> (needs <c>mesh:read</c>); null on servers that do not have the route (404), which then read the config entry.</summary>
    public async Task<QueryResult<List<ResolvedExportedService>?>> GetExportedServicesAsync(ConsulQuery query, CancellationToken cancellationToken) =>
        await ReadAsync("/v1/exported-services", "v1/exported-services", query, ConsulJsonContext.Default.ListResolvedExportedService, absentOn404: true, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Reads <c>/v1/imported-services</c>, accepting both shapes: CE answers an array, Enterprise an object with
    /// <c>ImportedServices</c>; the first JSON token decides.
    /// </summary>
    public async Task<QueryResult<List<ImportedService>>> GetImportedServicesAsync(ConsulQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (pathAndQuery, wait) = AppendQuery("v1/imported-services", query);
        var answer = await SendAsync(HttpMethod.Get, "/v1/imported-services", pathAndQuery, null, false, wait, namespaced: true, cancellationToken, query.Namespace).ConfigureAwait(false);
        EnsureSuccess(answer, isWrite: false);
        var first = answer.Body.Span.TrimStart(" \t\r\n"u8);
        var services = first.IsEmpty || first[0] == (byte)'n'
            ? []
            : first[0] == (byte)'['
                ? Deserialize(answer, ConsulJsonContext.Default.ListImportedService, "GET /v1/imported-services") ?? []
                : Deserialize(answer, ConsulJsonContext.Default.ImportedServicesEnvelope, "GET /v1/imported-services")?.ImportedServices ?? [];
        return new QueryResult<List<ImportedService>>(services, answer.Meta, HashBody(answer.Body.Span));
    }

    // ---- config entries ----------------------------------------------------------------------------------------------

    /// <summary>Reads one config entry; a 404 (<c>Config entry not found</c>) means absent and gives a null value, not an exception.</summary>
    public Task<QueryResult<ConfigEntry?>> GetConfigEntryAsync(string kind, string name, ConsulQuery query, CancellationToken cancellationToken) =>
        ReadAsync("/v1/config/{kind}/{name}", "v1/config/" + Segment(kind, nameof(kind)) + "/" + Segment(name, nameof(name)), query,
            ConsulJsonContext.Default.ConfigEntry, absentOn404: true, cancellationToken);

    public Task<QueryResult<List<ConfigEntry>>> ListConfigEntriesAsync(string kind, ConsulQuery query, CancellationToken cancellationToken) =>
        ReadAsync("/v1/config/{kind}", "v1/config/" + Segment(kind, nameof(kind)), query,
            ConsulJsonContext.Default.ListConfigEntry, absentOn404: false, cancellationToken)!;

    /// <summary>Writes a config entry; with <paramref name="cas"/> it applies only if the stored ModifyIndex matches (0: create only). False means a CAS miss.</summary>
    public async Task<bool> SetConfigEntryAsync(ConfigEntry entry, ulong? cas, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.Kind, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.Name, nameof(entry));
        var path = cas is { } index ? "v1/config?cas=" + index.ToString(CultureInfo.InvariantCulture) : "v1/config";
        return await WriteBoolAsync(HttpMethod.Put, "/v1/config", path, Serialize(entry, ConsulJsonContext.Default.ConfigEntry), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a config entry. Without <paramref name="cas"/> Consul answers <c>{}</c> (true here); with it, true or false.</summary>
    public async Task<bool> DeleteConfigEntryAsync(string kind, string name, ulong? cas, CancellationToken cancellationToken)
    {
        if (cas == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cas), cas, "A delete-cas index must be non-zero; Consul rejects 0.");
        }

        var path = "v1/config/" + Segment(kind, nameof(kind)) + "/" + Segment(name, nameof(name));
        if (cas is { } index)
        {
            return await WriteBoolAsync(HttpMethod.Delete, "/v1/config/{kind}/{name}", path + "?cas=" + index.ToString(CultureInfo.InvariantCulture), null, cancellationToken).ConfigureAwait(false);
        }

        var answer = await SendAsync(HttpMethod.Delete, "/v1/config/{kind}/{name}", path, null, true, null, namespaced: true, cancellationToken).ConfigureAwait(false);
        EnsureSuccess(answer, isWrite: true);
        return true;
    }

    // ---- transactions ------------------------------------------------------------------------------------------------

    /// <summary>Maximum operations in one <c>/v1/txn</c>; Consul answers 413 above it.</summary>
    public const int MaxTransactionOperations = 64;

    /// <summary>
    /// Applies the operations atomically, in order. A rollback (HTTP 409) throws <see cref="ConsulTransactionConflictException"/>;
    /// nothing was applied then.
    /// </summary>
    public async Task<List<TxnResult>> TransactAsync(IReadOnlyList<TxnOp> operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count is 0 or > MaxTransactionOperations)
        {
            throw new ArgumentOutOfRangeException(nameof(operations), operations.Count,
                $"A Consul transaction holds 1 to {MaxTransactionOperations} operations; split the batch.");
        }

        var isWrite = operations.Any(op => !IsReadVerb(op));
        var body = Serialize(operations as List<TxnOp> ?? [.. operations], ConsulJsonContext.Default.ListTxnOp);
        var answer = await SendAsync(HttpMethod.Put, "/v1/txn", "v1/txn", body, isWrite, null, namespaced: true, cancellationToken).ConfigureAwait(false);
        if (answer.StatusCode == 409)
        {
            var rolledBack = Deserialize(answer, ConsulJsonContext.Default.TxnResponse, "PUT /v1/txn");
            var errors = (rolledBack.Errors ?? []).Select(e => new ConsulTransactionError(e.OpIndex, ConsulErrorMapper.Sanitize(e.What ?? string.Empty))).ToList();
            var conflict = new ConsulTransactionConflictException("PUT /v1/txn", errors);
            _metrics.RecordErrorAnswer(answer.Method, answer.Route, answer.StatusCode, conflict);
            Log.TransactionRolledBack(_logger, operations.Count, errors.Count == 0 ? -1 : errors[0].OperationIndex, conflict.ServerMessage ?? string.Empty);
            throw conflict;
        }

        EnsureSuccess(answer, isWrite);
        return Deserialize(answer, ConsulJsonContext.Default.TxnResponse, "PUT /v1/txn").Results ?? [];
    }

    private static bool IsReadVerb(TxnOp op)
    {
        var verb = op.KV?.Verb ?? op.Node?.Verb ?? op.Service?.Verb ?? op.Check?.Verb ?? string.Empty;
        return verb is "get" or "get-tree" or "check-index" or "check-session" or "check-not-exists";
    }

    // ---- KV and sessions (the leader lock) ---------------------------------------------------------------------------

    public async Task<QueryResult<KvPair?>> GetKeyAsync(string key, ConsulQuery query, CancellationToken cancellationToken)
    {
        var result = await ReadAsync("/v1/kv/{key}", "v1/kv/" + KeyPath(key), query, ConsulJsonContext.Default.ListKvPair, absentOn404: true, cancellationToken).ConfigureAwait(false);
        return new QueryResult<KvPair?>(result.Value is { Count: > 0 } pairs ? pairs[0] : null, result.Meta, result.BodyHash);
    }

    /// <summary>Writes a key; <paramref name="acquire"/> or <paramref name="release"/> take or give up the lock of a session. False means the CAS, acquire or release did not apply.</summary>
    public async Task<bool> PutKeyAsync(string key, ReadOnlyMemory<byte> value, ulong? cas, string? acquire, string? release, CancellationToken cancellationToken)
    {
        var query = new StringBuilder("v1/kv/").Append(KeyPath(key));
        var separator = '?';
        void Add(string name, string text)
        {
            query.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(text));
            separator = '&';
        }

        if (cas is { } index)
        {
            Add("cas", index.ToString(CultureInfo.InvariantCulture));
        }

        if (acquire is not null)
        {
            Add("acquire", acquire);
        }

        if (release is not null)
        {
            Add("release", release);
        }

        return await WriteBoolAsync(HttpMethod.Put, "/v1/kv/{key}", query.ToString(), new RequestBody(value.ToArray(), "application/octet-stream"), cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteKeyAsync(string key, ulong? cas, CancellationToken cancellationToken)
    {
        var path = "v1/kv/" + KeyPath(key) + (cas is { } index ? "?cas=" + index.ToString(CultureInfo.InvariantCulture) : string.Empty);
        return await WriteBoolAsync(HttpMethod.Delete, "/v1/kv/{key}", path, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> CreateSessionAsync(SessionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = await SendAsync(HttpMethod.Put, "/v1/session/create", "v1/session/create",
            Serialize(request, ConsulJsonContext.Default.SessionRequest), true, null, namespaced: true, cancellationToken).ConfigureAwait(false);
        EnsureSuccess(answer, isWrite: true);
        var created = Deserialize(answer, ConsulJsonContext.Default.SessionCreated, "PUT /v1/session/create");
        return string.IsNullOrEmpty(created.ID)
            ? throw new ConsulUnavailableException("PUT /v1/session/create", "the answer carried no session ID", isWrite: true, answer.StatusCode)
            : created.ID;
    }

    /// <summary>Renews a session; null means the session no longer exists (it expired or was destroyed), so its locks are gone.</summary>
    public async Task<SessionInfo?> RenewSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Put, "/v1/session/renew/{id}", "v1/session/renew/" + Segment(sessionId, nameof(sessionId)),
            null, true, null, namespaced: true, cancellationToken).ConfigureAwait(false);
        if (answer.StatusCode == 404)
        {
            return null;
        }

        EnsureSuccess(answer, isWrite: true);
        return Deserialize(answer, ConsulJsonContext.Default.ListSessionInfo, "PUT /v1/session/renew/{id}") is { Count: > 0 } sessions ? sessions[0] : null;
    }

    public Task<bool> DestroySessionAsync(string sessionId, CancellationToken cancellationToken) =>
        WriteBoolAsync(HttpMethod.Put, "/v1/session/destroy/{id}", "v1/session/destroy/" + Segment(sessionId, nameof(sessionId)), null, cancellationToken);

    public async Task<QueryResult<SessionInfo?>> GetSessionAsync(string sessionId, ConsulQuery query, CancellationToken cancellationToken)
    {
        var result = await ReadAsync("/v1/session/info/{id}", "v1/session/info/" + Segment(sessionId, nameof(sessionId)), query,
            ConsulJsonContext.Default.ListSessionInfo, absentOn404: false, cancellationToken).ConfigureAwait(false);
        return new QueryResult<SessionInfo?>(result.Value is { Count: > 0 } sessions ? sessions[0] : null, result.Meta, result.BodyHash);
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------------

    private async Task<QueryResult<T?>> ReadAsync<T>(string route, string path, ConsulQuery query, JsonTypeInfo<T> typeInfo, bool absentOn404, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (pathAndQuery, wait) = AppendQuery(path, query);
        var answer = await SendAsync(HttpMethod.Get, route, pathAndQuery, null, false, wait, namespaced: true, cancellationToken, query.Namespace).ConfigureAwait(false);
        if (absentOn404 && answer.StatusCode == 404)
        {
            return new QueryResult<T?>(default, answer.Meta, HashBody(ReadOnlySpan<byte>.Empty));
        }

        EnsureSuccess(answer, isWrite: false);
        var value = Deserialize(answer, typeInfo, "GET " + route);
        return new QueryResult<T?>(value, answer.Meta, HashBody(answer.Body.Span));
    }

    private async Task<bool> WriteBoolAsync(HttpMethod method, string route, string path, RequestBody? content, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(method, route, path, content, true, null, namespaced: true, cancellationToken).ConfigureAwait(false);
        EnsureSuccess(answer, isWrite: true);
        return Deserialize(answer, ConsulJsonContext.Default.Boolean, method.Method + " " + route);
    }

    private (string PathAndQuery, TimeSpan? Wait) AppendQuery(string path, ConsulQuery query)
    {
        var builder = new StringBuilder(path);
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        void Flag(string name)
        {
            builder.Append(separator).Append(name);
            separator = '&';
        }

        void Add(string name, string value)
        {
            builder.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        TimeSpan? wait = null;
        if (query.Index > 0)
        {
            wait = query.Wait ?? _options.BlockingWait;
            if (wait > MaxWait)
            {
                wait = MaxWait;
            }

            Add("index", query.Index.ToString(CultureInfo.InvariantCulture));
            Add("wait", GoDuration.Format(wait.Value));
        }

        switch (query.Consistency)
        {
            case ConsulConsistency.Stale:
                Flag("stale");
                break;
            case ConsulConsistency.Consistent:
                Flag("consistent");
                break;
        }

        if (query.Passing)
        {
            Flag("passing");
        }

        if (query.Tag is { } tag)
        {
            Add("tag", tag);
        }

        if (query.Filter is { } filter)
        {
            Add("filter", filter);
        }

        if (query.Peer is { } peer)
        {
            Add("peer", peer);
        }

        if (query.NodeMeta is { } nodeMeta)
        {
            Add("node-meta", nodeMeta);
        }

        return (builder.ToString(), wait);
    }

    /// <summary>Consul caps <c>wait</c> at 10 minutes.</summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);

    private readonly record struct Answer(int StatusCode, QueryMeta Meta, ReadOnlyMemory<byte> Body, string Method, string Route)
    {
        public string Operation => Method + " " + Route;
    }

    private async Task<Answer> SendAsync(HttpMethod method, string route, string pathAndQuery, RequestBody? content, bool isWrite,
        TimeSpan? wait, bool namespaced, CancellationToken cancellationToken, string? namespaceOverride = null)
    {
        var operation = method.Method + " " + route;
        if (namespaced)
        {
            pathAndQuery = AppendTenancy(pathAndQuery, namespaceOverride, operation);
        }

        var deadline = wait is { } w ? w + (w / 16) + _options.BlockingDeadlineMargin : _options.RequestTimeout;
        var retriedWithFreshToken = false;
        while (true)
        {
            var answer = await SendOnceAsync(method, route, operation, pathAndQuery, content, isWrite, deadline, cancellationToken).ConfigureAwait(false);
            if (answer.StatusCode == 403 && !retriedWithFreshToken && _options.TokenFile is not null
                && ReadText(answer).Contains("ACL not found", StringComparison.Ordinal) && RefreshToken())
            {
                // The token file was rotated since it was read: retry once with the new token (the request was not applied).
                retriedWithFreshToken = true;
                continue;
            }

            return answer;
        }
    }

    private async Task<Answer> SendOnceAsync(HttpMethod method, string route, string operation, string pathAndQuery, RequestBody? content,
        bool isWrite, TimeSpan deadline, CancellationToken cancellationToken)
    {
        using var activity = ConsulActivity.Source.StartActivity("MeshInterop.Consul.Request", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(ConsulTelemetryTags.Method, method.Method);
            activity.SetTag(ConsulTelemetryTags.Route, route);
        }

        var started = _timeProvider.GetTimestamp();
        using var deadlineSource = new CancellationTokenSource(deadline, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadlineSource.Token);
        // A fresh content per attempt: the request disposes its content, and a retry with a rotated token resends the body.
        using var request = new HttpRequestMessage(method, new Uri(_baseAddress, pathAndQuery));
        if (content is { } payload)
        {
            request.Content = new ByteArrayContent(payload.Bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(payload.MediaType) { CharSet = payload.MediaType == "application/json" ? "utf-8" : null };
        }

        var token = CurrentToken();
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation(TokenHeader, token);
        }

        int? status = null;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            var meta = QueryMeta.Parse(response.Headers);
            var body = await ReadBodyAsync(response, operation, isWrite, linked.Token).ConfigureAwait(false);
            var answer = new Answer(status.Value, meta, body, method.Method, route);
            _metrics.RecordRequest(method.Method, route, status, _timeProvider.GetElapsedTime(started), null);
            activity?.SetTag(ConsulTelemetryTags.StatusCode, status.Value);
            return answer;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadlineSource.IsCancellationRequested)
        {
            var error = new ConsulUnavailableException(operation, $"no answer within the deadline of {deadline.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s", isWrite, status);
            Fail(activity, method.Method, route, status, started, error);
            throw error;
        }
        catch (HttpRequestException ex)
        {
            var error = new ConsulUnavailableException(operation, $"the connection failed ({ex.HttpRequestError})", isWrite, status, ex);
            Fail(activity, method.Method, route, status, started, error);
            throw error;
        }
        catch (ConsulException ex)
        {
            Fail(activity, method.Method, route, status, started, ex);
            throw;
        }
    }

    private void Fail(Activity? activity, string method, string route, int? status, long started, ConsulException error)
    {
        _metrics.RecordRequest(method, route, status, _timeProvider.GetElapsedTime(started), error);
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
            activity.SetTag(ConsulTelemetryTags.ErrorType, error.GetType().Name);
        }
    }

    private async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpResponseMessage response, string operation, bool isWrite, CancellationToken cancellationToken)
    {
        var limit = _options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength is { } declared && declared > limit)
        {
            throw new ConsulResponseTooLargeException(operation, limit);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new ArrayBufferWriter<byte>(response.Content.Headers.ContentLength is { } length ? (int)Math.Max(length, 1) : 4096);
            try
            {
                while (true)
                {
                    var memory = buffer.GetMemory(8192);
                    var read = await stream.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    buffer.Advance(read);
                    if (buffer.WrittenCount > limit)
                    {
                        throw new ConsulResponseTooLargeException(operation, limit);
                    }
                }
            }
            catch (IOException ex)
            {
                throw new ConsulUnavailableException(operation, "the body was cut off", isWrite, (int)response.StatusCode, ex);
            }
            catch (HttpRequestException ex)
            {
                throw new ConsulUnavailableException(operation, "the body was cut off", isWrite, (int)response.StatusCode, ex);
            }

            return buffer.WrittenMemory;
        }
    }

    private void EnsureSuccess(Answer answer, bool isWrite)
    {
        if (answer.StatusCode is >= 200 and < 300)
        {
            return;
        }

        var error = ConsulErrorMapper.Map(answer.Operation, answer.StatusCode, ReadText(answer), isWrite);
        _metrics.RecordErrorAnswer(answer.Method, answer.Route, answer.StatusCode, error);
        if (error is ConsulEditionMismatchException)
        {
            lock (_gate)
            {
                _edition = null;
            }
        }

        Log.RequestFailed(_logger, answer.Operation, answer.StatusCode, error.RetryClass.ToString(), error.ServerMessage ?? string.Empty);
        throw error;
    }

    private static string ReadText(Answer answer)
    {
        var span = answer.Body.Span;
        var max = Math.Min(span.Length, ConsulErrorMapper.MaxErrorTextLength * 4);
        return Encoding.UTF8.GetString(span[..max]);
    }

    private static T Deserialize<T>(Answer answer, JsonTypeInfo<T> typeInfo, string operation)
    {
        try
        {
            return JsonSerializer.Deserialize(answer.Body.Span, typeInfo)!;
        }
        catch (JsonException ex)
        {
            throw new ConsulUnavailableException(operation, $"the body is not the expected JSON ({ex.Message})", isWrite: false, answer.StatusCode, ex);
        }
    }

    private static RequestBody Serialize<T>(T value, JsonTypeInfo<T> typeInfo) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), "application/json");

    /// <summary>A request body kept as bytes, so that each attempt gets its own content.</summary>
    private readonly record struct RequestBody(byte[] Bytes, string MediaType);

    private static string HashBody(ReadOnlySpan<byte> body) => Convert.ToHexString(SHA256.HashData(body));

    private string AppendTenancy(string pathAndQuery, string? namespaceOverride, string operation)
    {
        ConsulEdition? edition;
        lock (_gate)
        {
            edition = _edition;
        }

        if (edition != ConsulEdition.Enterprise)
        {
            if (namespaceOverride is not null && !string.Equals(namespaceOverride, "default", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"{operation} asks for namespace '{namespaceOverride}', but the server is {(edition is null ? "of an undetected edition; detect it first" : "Community Edition, which has no namespaces")}.");
            }

            return pathAndQuery;
        }

        var builder = new StringBuilder(pathAndQuery);
        var separator = pathAndQuery.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        if ((namespaceOverride ?? _options.Namespace) is { } ns)
        {
            builder.Append(separator).Append("ns=").Append(Uri.EscapeDataString(ns));
            separator = '&';
        }

        if (_options.Partition is { } partition)
        {
            builder.Append(separator).Append("partition=").Append(Uri.EscapeDataString(partition));
        }

        return builder.ToString();
    }

    private string? CurrentToken()
    {
        lock (_gate)
        {
            return _token;
        }
    }

    private bool RefreshToken()
    {
        var fresh = ReadTokenFile();
        lock (_gate)
        {
            if (fresh is null || string.Equals(fresh, _token, StringComparison.Ordinal))
            {
                return false;
            }

            _token = fresh;
        }

        Log.TokenReloaded(_logger, _options.TokenFile!);
        return true;
    }

    private string? ReadTokenFile()
    {
        if (_options.TokenFile is not { } file)
        {
            return null;
        }

        var text = File.ReadAllText(file).Trim();
        return text.Length == 0 ? null : text;
    }

    private static string Segment(string value, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, paramName);
        return Uri.EscapeDataString(value);
    }

    private static string KeyPath(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.StartsWith('/'))
        {
            throw new ArgumentException($"KV key '{key}' must not start with '/'.", nameof(key));
        }

        return string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
    }
}

/// <summary>Formats durations the way Consul (Go) parses them.</summary>
internal static class GoDuration
{
    public static string Format(TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            return "0s";
        }

        if (value.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            return ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
        }

        return ((long)Math.Ceiling(value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
