using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Testing.FakeKubernetes;

/// <summary>A request the fake API server received, for assertions on query parameters and content types.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string? ContentType);

/// <summary>What an admission hook decides about an object before it is stored.</summary>
public sealed class AdmissionOutcome
{
    public static AdmissionOutcome Allowed { get; } = new();

    /// <summary>Rejections as (field, message, reason); any rejects the request with <see cref="StatusCode"/>.</summary>
    public IReadOnlyList<(string Field, string Message, string Reason)> Causes { get; init; } = [];

    /// <summary>Messages returned as <c>Warning: 299 - "..."</c> headers, on success and on rejection.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public int StatusCode { get; init; } = 422;
}

/// <summary>The object an admission hook sees.</summary>
public sealed record AdmissionRequest(JsonObject Resource, string Group, string Version, string Kind, string? FieldValidation, bool DryRun);

/// <summary>
/// A loopback Kubernetes API server (real HTTP on 127.0.0.1, port 0) for contract tests with the real
/// KubernetesClient: discovery per group version, LIST with <c>labelSelector</c>, server-side apply with field
/// managers, conflicts and <c>force</c>, create (POST) and replace (PUT) with resourceVersion concurrency (what
/// Lease-based leader election uses), DELETE with preconditions, 404/409/422 <c>Status</c> bodies with
/// <c>details.causes</c>, <c>Warning</c> headers, and watches with bookmarks and 410 expiry. Objects are stored once
/// and served in every registered version of their kind, as the API server does for CRDs without conversion.
/// Apply bodies must be JSON (which is YAML), as KubernetesClient sends them.
/// </summary>
public sealed class FakeKubernetesServer : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly List<ResourceDefinition> _resources = [];
    private readonly Dictionary<ObjectKey, StoredObject> _objects = [];
    private readonly List<StoredEvent> _events = [];
    private readonly List<Watch> _watches = [];
    private readonly List<RecordedRequest> _requests = [];
    private long _resourceVersion = 1000;
    private long _oldestWatchableVersion;
    private int _uidCounter;
    private TaskCompletionSource _watchesChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeKubernetesServer(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Fails matching requests with the returned HTTP status (a Status body), before anything is read or stored.</summary>
    public Func<RecordedRequest, int?>? Fault { get; set; }

    /// <summary>Decides on every apply (after merging, before storing); allows everything when unset.</summary>
    public Func<AdmissionRequest, AdmissionOutcome>? Admission { get; set; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
                return [.. _requests];
        }
    }

    public long CurrentResourceVersion
    {
        get
        {
            lock (_gate)
                return _resourceVersion;
        }
    }

    public static async Task<FakeKubernetesServer> StartAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeKubernetesServer(app, time ?? TimeProvider.System);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>Serves a kind in a group version (discovery lists its plural there).</summary>
    public void AddResource(string group, string version, string plural, string kind, bool namespaced = true)
    {
        lock (_gate)
            _resources.Add(new ResourceDefinition(group, version, plural, kind, namespaced));
    }

    /// <summary>Stores an object as if another client had created it with an update (not apply) under <paramref name="manager"/>.</summary>
    public JsonObject Seed(string plural, JsonObject obj, string manager)
    {
        lock (_gate)
        {
            var apiVersion = (string)obj["apiVersion"]!;
            var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
            var group = slash < 0 ? string.Empty : apiVersion[..slash];   // core objects: "v1", group ""
            var key = new ObjectKey(group, plural, (string?)obj["metadata"]?["namespace"] ?? string.Empty, (string)obj["metadata"]!["name"]!);
            var stored = new StoredObject((JsonObject)obj.DeepClone(), new Dictionary<string, (HashSet<string>, string)>(StringComparer.Ordinal));
            stored.Managers[manager] = (FieldPaths.Leaves(stored.Object), "Update");

            // Seeding an existing name is an update by that client: same UID, a MODIFIED event.
            var exists = _objects.TryGetValue(key, out var existing);
            if (exists)
                CopyServerFields(existing!.Object, stored.Object);
            Commit(key, stored, exists ? "MODIFIED" : "ADDED", generationChanged: true);
            return (JsonObject)stored.Object.DeepClone();
        }
    }

    /// <summary>Deletes an object as another client would (a DELETED event); false when it does not exist.</summary>
    public bool Remove(string group, string plural, string ns, string name)
    {
        lock (_gate)
        {
            var key = new ObjectKey(group, plural, ns, name);
            if (!_objects.Remove(key, out var stored))
                return false;
            var final = (JsonObject)stored.Object.DeepClone();
            final["metadata"]!["resourceVersion"] = Rv(++_resourceVersion);
            Publish(key, "DELETED", final);
            return true;
        }
    }

    public JsonObject? Get(string group, string plural, string ns, string name)
    {
        lock (_gate)
            return _objects.TryGetValue(new ObjectKey(group, plural, ns, name), out var stored) ? (JsonObject)stored.Object.DeepClone() : null;
    }

    public IReadOnlyList<JsonObject> List(string group, string plural)
    {
        lock (_gate)
        {
            return [.. _objects.Where(p => p.Key.Group == group && p.Key.Plural == plural)
                .OrderBy(p => p.Key.Namespace, StringComparer.Ordinal).ThenBy(p => p.Key.Name, StringComparer.Ordinal)
                .Select(p => (JsonObject)p.Value.Object.DeepClone())];
        }
    }

    /// <summary>Forgets the event history, as etcd compaction does: watches from an older version get 410 Gone.</summary>
    public void CompactHistory()
    {
        lock (_gate)
        {
            _events.Clear();
            _oldestWatchableVersion = _resourceVersion;
        }
    }

    /// <summary>Compacts the history and ends every open watch with an ERROR event carrying 410 Expired.</summary>
    public void ExpireWatches()
    {
        lock (_gate)
        {
            CompactHistory();
            foreach (var watch in _watches)
            {
                watch.Lines.Writer.TryWrite(ExpiredEvent(watch.FromVersion));
                watch.Lines.Writer.TryComplete();
            }

            _watches.Clear();
            SignalWatchesChanged();
        }
    }

    /// <summary>Ends every open watch normally (as the API server does when a watch times out); clients resume.</summary>
    public void CloseWatches()
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
                watch.Lines.Writer.TryComplete();
            _watches.Clear();
            SignalWatchesChanged();
        }
    }

    /// <summary>Sends a BOOKMARK with the current resource version to every watch that asked for bookmarks.</summary>
    public void SendBookmarks()
    {
        lock (_gate)
        {
            foreach (var watch in _watches.Where(w => w.Bookmarks))
            {
                var bookmark = new JsonObject
                {
                    ["apiVersion"] = watch.Definition.ApiVersion,
                    ["kind"] = watch.Definition.Kind,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = Rv(_resourceVersion) },
                };
                watch.Lines.Writer.TryWrite(new JsonObject { ["type"] = "BOOKMARK", ["object"] = bookmark }.ToJsonString());
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> watches are open (a signal, never a sleep).</summary>
    public async Task WaitForWatchesAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_watches.Count >= count)
                    return;
                changed = _watchesChanged.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
                watch.Lines.Writer.TryComplete();
            _watches.Clear();
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var recorded = new RecordedRequest(request.Method, request.Path.Value ?? string.Empty, query, request.ContentType);
        lock (_gate)
            _requests.Add(recorded);
        if (Fault?.Invoke(recorded) is { } faultStatus)
        {
            await WriteStatusAsync(context, faultStatus, faultStatus == 500 ? "InternalError" : "Fault", $"injected fault on {request.Method} {request.Path}").ConfigureAwait(false);
            return;
        }

        var segments = (request.Path.Value ?? string.Empty).Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);

        // The core group lives under /api/v1 (group ""), every other group under /apis/<group>/<version>.
        var core = segments.Length >= 2 && segments[0] == "api";
        if (!core && (segments.Length < 3 || segments[0] != "apis"))
        {
            await WriteStatusAsync(context, 404, "NotFound", $"the server could not find the requested resource ({request.Path})").ConfigureAwait(false);
            return;
        }

        var (group, version) = core ? (string.Empty, segments[1]) : (segments[1], segments[2]);
        var rest = segments[(core ? 2 : 3)..];
        string? ns = null;
        if (rest.Length >= 2 && rest[0] == "namespaces")
        {
            ns = rest[1];
            rest = rest[2..];
        }

        if (rest.Length == 0 && ns is null)
        {
            await DiscoveryAsync(context, group, version).ConfigureAwait(false);
            return;
        }

        ResourceDefinition? definition;
        lock (_gate)
            definition = _resources.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == rest[0]);
        if (definition is null || rest.Length > 2)
        {
            await WriteStatusAsync(context, 404, "NotFound", $"the server could not find the requested resource ({request.Method} {request.Path})").ConfigureAwait(false);
            return;
        }

        switch (request.Method, rest.Length)
        {
            case ("GET", 1) when query.GetValueOrDefault("watch") is "true" or "1":
                await WatchAsync(context, definition, ns, query).ConfigureAwait(false);
                break;
            case ("GET", 1):
                await ListAsync(context, definition, ns, query).ConfigureAwait(false);
                break;
            case ("GET", 2):
                await GetAsync(context, definition, ns ?? string.Empty, rest[1]).ConfigureAwait(false);
                break;
            case ("POST", 1):
                await CreateAsync(context, definition, ns ?? string.Empty, query).ConfigureAwait(false);
                break;
            case ("PUT", 2):
                await ReplaceAsync(context, definition, ns ?? string.Empty, rest[1], query).ConfigureAwait(false);
                break;
            case ("PATCH", 2):
                await ApplyAsync(context, definition, ns ?? string.Empty, rest[1], query).ConfigureAwait(false);
                break;
            case ("DELETE", 2):
                await DeleteAsync(context, definition, ns ?? string.Empty, rest[1]).ConfigureAwait(false);
                break;
            default:
                await WriteStatusAsync(context, 405, "MethodNotAllowed", $"{request.Method} is not supported by the fake on {request.Path}").ConfigureAwait(false);
                break;
        }
    }

    private async Task DiscoveryAsync(HttpContext context, string group, string version)
    {
        JsonArray resources;
        lock (_gate)
        {
            resources = [.. _resources.Where(r => r.Group == group && r.Version == version).Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Plural,
                ["singularName"] = r.Kind.ToLowerInvariant(),
                ["namespaced"] = r.Namespaced,
                ["kind"] = r.Kind,
                ["verbs"] = new JsonArray("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"),
            })];
        }

        if (resources.Count == 0)
        {
            await WriteStatusAsync(context, 404, "NotFound", $"the server could not find the requested resource (/apis/{group}/{version})").ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : group + "/" + version,
            ["resources"] = resources,
        }).ConfigureAwait(false);
    }

    private async Task ListAsync(HttpContext context, ResourceDefinition definition, string? ns, Dictionary<string, string> query)
    {
        LabelSelector selector;
        try
        {
            selector = LabelSelector.Parse(query.GetValueOrDefault("labelSelector"));
        }
        catch (FormatException ex)
        {
            await WriteStatusAsync(context, 400, "BadRequest", ex.Message).ConfigureAwait(false);
            return;
        }

        JsonObject list;
        lock (_gate)
        {
            var items = _objects
                .Where(p => p.Key.Group == definition.Group && p.Key.Plural == definition.Plural && (ns is null || p.Key.Namespace == ns))
                .OrderBy(p => p.Key.Namespace, StringComparer.Ordinal).ThenBy(p => p.Key.Name, StringComparer.Ordinal)
                .Select(p => p.Value.Object)
                .Where(selector.Matches)
                .Select(o => (JsonNode)InVersion(o, definition))
                .ToArray();
            list = new JsonObject
            {
                ["apiVersion"] = definition.ApiVersion,
                ["kind"] = definition.Kind + "List",
                ["metadata"] = new JsonObject { ["resourceVersion"] = Rv(_resourceVersion) },
                ["items"] = new JsonArray(items),
            };
        }

        await WriteJsonAsync(context, 200, list).ConfigureAwait(false);
    }

    private async Task GetAsync(HttpContext context, ResourceDefinition definition, string ns, string name)
    {
        JsonObject? obj;
        lock (_gate)
            obj = _objects.TryGetValue(new ObjectKey(definition.Group, definition.Plural, ns, name), out var stored) ? InVersion(stored.Object, definition) : null;
        if (obj is null)
            await NotFoundAsync(context, definition, name).ConfigureAwait(false);
        else
            await WriteJsonAsync(context, 200, obj).ConfigureAwait(false);
    }

    private async Task WatchAsync(HttpContext context, ResourceDefinition definition, string? ns, Dictionary<string, string> query)
    {
        LabelSelector selector;
        try
        {
            selector = LabelSelector.Parse(query.GetValueOrDefault("labelSelector"));
        }
        catch (FormatException ex)
        {
            await WriteStatusAsync(context, 400, "BadRequest", ex.Message).ConfigureAwait(false);
            return;
        }

        var from = long.TryParse(query.GetValueOrDefault("resourceVersion"), NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : 0;
        var watch = new Watch(definition, ns, selector, query.GetValueOrDefault("allowWatchBookmarks") is "true" or "1", from);
        lock (_gate)
        {
            if (from != 0 && from < _oldestWatchableVersion)
            {
                watch.Lines.Writer.TryWrite(ExpiredEvent(from));
                watch.Lines.Writer.TryComplete();
            }
            else
            {
                // resourceVersion unset or "0": synthetic ADDED events for the current state, then live events.
                if (from == 0)
                {
                    foreach (var (key, stored) in _objects.OrderBy(p => p.Key.Namespace, StringComparer.Ordinal).ThenBy(p => p.Key.Name, StringComparer.Ordinal))
                    {
                        if (watch.Matches(key, stored.Object))
                            watch.Lines.Writer.TryWrite(EventLine("ADDED", stored.Object, definition));
                    }
                }
                else
                {
                    foreach (var e in _events.Where(e => e.Version > from && watch.Matches(e.Key, e.Object)))
                        watch.Lines.Writer.TryWrite(EventLine(e.Type, e.Object, definition));
                }

                _watches.Add(watch);
                SignalWatchesChanged();
            }
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            await foreach (var line in watch.Lines.Reader.ReadAllAsync(context.RequestAborted).ConfigureAwait(false))
            {
                await context.Response.WriteAsync(line + "\n", context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client closed the watch.
        }
        finally
        {
            lock (_gate)
            {
                if (_watches.Remove(watch))
                    SignalWatchesChanged();
            }
        }
    }

    private async Task ApplyAsync(HttpContext context, ResourceDefinition definition, string ns, string name, Dictionary<string, string> query)
    {
        if (!string.Equals(context.Request.ContentType?.Split(';')[0].Trim(), "application/apply-patch+yaml", StringComparison.OrdinalIgnoreCase))
        {
            await WriteStatusAsync(context, 415, "UnsupportedMediaType", $"the fake only supports server-side apply, not {context.Request.ContentType}").ConfigureAwait(false);
            return;
        }

        var manager = query.GetValueOrDefault("fieldManager");
        if (string.IsNullOrEmpty(manager))
        {
            await WriteStatusAsync(context, 400, "BadRequest", "PATCH, Apply: fieldManager is required for apply requests").ConfigureAwait(false);
            return;
        }

        JsonObject applied;
        try
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            applied = JsonNode.Parse(await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false)) as JsonObject
                ?? throw new JsonException("the body is not an object");
        }
        catch (JsonException ex)
        {
            await WriteStatusAsync(context, 400, "BadRequest", $"error decoding apply body (the fake accepts JSON only): {ex.Message}").ConfigureAwait(false);
            return;
        }

        var expectedApiVersion = definition.ApiVersion;
        if ((string?)applied["apiVersion"] != expectedApiVersion || (string?)applied["kind"] != definition.Kind)
        {
            await WriteStatusAsync(context, 400, "BadRequest", $"apiVersion/kind {(string?)applied["apiVersion"]}/{(string?)applied["kind"]} do not match the URL ({expectedApiVersion} {definition.Kind})").ConfigureAwait(false);
            return;
        }

        if ((string?)applied["metadata"]?["name"] != name || (applied["metadata"]?["namespace"] is { } bodyNs && (string?)bodyNs != ns))
        {
            await WriteStatusAsync(context, 400, "BadRequest", $"the name or namespace of the object does not match the URL ({ns}/{name})").ConfigureAwait(false);
            return;
        }

        var force = query.GetValueOrDefault("force") is "true" or "1";
        var dryRun = query.GetValueOrDefault("dryRun") == "All";
        var key = new ObjectKey(definition.Group, definition.Plural, ns, name);
        int status;
        JsonObject body;
        AdmissionOutcome admission;
        lock (_gate)
        {
            var appliedFields = FieldPaths.Leaves(applied);
            _objects.TryGetValue(key, out var existing);
            var merged = existing is null ? new JsonObject { ["apiVersion"] = expectedApiVersion, ["kind"] = definition.Kind } : (JsonObject)existing.Object.DeepClone();
            var managers = existing?.Managers.ToDictionary(p => p.Key, p => (Fields: new HashSet<string>(p.Value.Fields, StringComparer.Ordinal), p.Value.Operation), StringComparer.Ordinal)
                ?? new Dictionary<string, (HashSet<string> Fields, string Operation)>(StringComparer.Ordinal);

            var conflicts = new List<(string Manager, string Path)>();
            foreach (var (other, (fields, _)) in managers.Where(m => m.Key != manager))
            {
                foreach (var path in fields.Where(appliedFields.Contains))
                {
                    if (!JsonNode.DeepEquals(FieldPaths.Get(merged, path), FieldPaths.Get(applied, path)))
                        conflicts.Add((other, path));
                }
            }

            if (conflicts.Count > 0 && !force)
            {
                var causes = conflicts.Select(c => ("FieldManagerConflict", $"conflict with \"{c.Manager}\": {FieldPaths.Display(c.Path)}", FieldPaths.Display(c.Path))).ToList();
                (status, body) = (409, Status(409, "Conflict",
                    $"Apply failed with {conflicts.Count} conflict{(conflicts.Count == 1 ? string.Empty : "s")}: {string.Join(", ", causes.Select(c => c.Item2))}",
                    definition, name, causes));
                admission = AdmissionOutcome.Allowed;
            }
            else
            {
                foreach (var (other, path) in conflicts)
                    managers[other].Fields.Remove(path);
                var previous = managers.TryGetValue(manager, out var mine) ? mine.Fields : [];
                foreach (var path in previous.Where(p => !appliedFields.Contains(p) && !managers.Any(m => m.Key != manager && m.Value.Fields.Contains(p))))
                    FieldPaths.Remove(merged, path);
                foreach (var path in appliedFields)
                    FieldPaths.Set(merged, path, FieldPaths.Get(applied, path));
                managers[manager] = (appliedFields, "Apply");
                foreach (var empty in managers.Where(m => m.Value.Fields.Count == 0).Select(m => m.Key).ToList())
                    managers.Remove(empty);
                merged["apiVersion"] = expectedApiVersion;
                merged["kind"] = definition.Kind;
                var metadata = merged["metadata"] as JsonObject ?? [];
                merged["metadata"] = metadata;
                metadata["name"] = name;
                if (definition.Namespaced)
                    metadata["namespace"] = ns;

                admission = Admission?.Invoke(new AdmissionRequest((JsonObject)merged.DeepClone(), definition.Group, definition.Version, definition.Kind, query.GetValueOrDefault("fieldValidation"), dryRun))
                    ?? AdmissionOutcome.Allowed;
                if (admission.Causes.Count > 0)
                {
                    var causes = admission.Causes.Select(c => (c.Reason, c.Message, c.Field)).ToList();
                    (status, body) = (admission.StatusCode, Status(admission.StatusCode, admission.StatusCode == 422 ? "Invalid" : "BadRequest",
                        $"{definition.Kind}.{definition.Group} \"{name}\" is invalid: {string.Join(", ", admission.Causes.Select(c => $"{c.Field}: {c.Message}"))}",
                        definition, name, causes));
                }
                else
                {
                    var unchanged = existing is not null && JsonNode.DeepEquals(Strip(existing.Object), Strip(merged))
                        && existing.Managers.Count == managers.Count
                        && existing.Managers.All(m => managers.TryGetValue(m.Key, out var f) && f.Fields.SetEquals(m.Value.Fields));
                    if (unchanged || dryRun)
                    {
                        body = InVersion(unchanged ? existing!.Object : merged, definition);
                        status = existing is null ? 201 : 200;
                    }
                    else
                    {
                        var stored = new StoredObject(merged, managers);
                        var specChanged = existing is null || !JsonNode.DeepEquals(existing.Object["spec"], merged["spec"]);
                        if (existing is not null)
                            CopyServerFields(existing.Object, merged);
                        Commit(key, stored, existing is null ? "ADDED" : "MODIFIED", specChanged);
                        body = InVersion(stored.Object, definition);
                        status = existing is null ? 201 : 200;
                    }
                }
            }
        }

        foreach (var warning in admission.Warnings)
            context.Response.Headers.Append("Warning", $"299 - \"{warning.Replace("\"", "'", StringComparison.Ordinal)}\"");
        await WriteJsonAsync(context, status, body).ConfigureAwait(false);
    }

    /// <summary>POST: create (409 AlreadyExists if the name is taken); the manager owns every field it sent.</summary>
    private async Task CreateAsync(HttpContext context, ResourceDefinition definition, string ns, Dictionary<string, string> query)
    {
        var body = await ReadObjectAsync(context).ConfigureAwait(false);
        var name = (string?)body?["metadata"]?["name"];
        if (body is null || string.IsNullOrEmpty(name))
        {
            await WriteStatusAsync(context, body is null ? 400 : 422, body is null ? "BadRequest" : "Invalid", "the body must be an object with metadata.name (generateName is not supported by the fake)").ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, definition, ns, name, body, query, create: true).ConfigureAwait(false);
    }

    /// <summary>PUT: replace; a <c>metadata.resourceVersion</c> in the body must match the stored one (optimistic concurrency).</summary>
    private async Task ReplaceAsync(HttpContext context, ResourceDefinition definition, string ns, string name, Dictionary<string, string> query)
    {
        var body = await ReadObjectAsync(context).ConfigureAwait(false);
        if (body is null || (string?)body["metadata"]?["name"] != name)
        {
            await WriteStatusAsync(context, 400, "BadRequest", $"the body must be an object named '{name}', as the URL").ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, definition, ns, name, body, query, create: false).ConfigureAwait(false);
    }

    private async Task WriteAsync(HttpContext context, ResourceDefinition definition, string ns, string name, JsonObject body, Dictionary<string, string> query, bool create)
    {
        var key = new ObjectKey(definition.Group, definition.Plural, ns, name);
        var manager = query.GetValueOrDefault("fieldManager") is { Length: > 0 } m ? m : "unknown";
        int status;
        JsonObject response;
        lock (_gate)
        {
            _objects.TryGetValue(key, out var existing);
            var wantVersion = (string?)body["metadata"]?["resourceVersion"];
            if (create && existing is not null)
            {
                (status, response) = (409, Status(409, "AlreadyExists", $"{definition.Plural}.{definition.Group} \"{name}\" already exists", definition, name));
            }
            else if (!create && existing is null)
            {
                (status, response) = (404, Status(404, "NotFound", $"{definition.Plural}.{definition.Group} \"{name}\" not found", definition, name));
            }
            else if (!create && wantVersion is not null && wantVersion != (string?)existing!.Object["metadata"]!["resourceVersion"])
            {
                (status, response) = (409, Status(409, "Conflict", $"Operation cannot be fulfilled on {definition.Plural}.{definition.Group} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", definition, name));
            }
            else
            {
                var stored = (JsonObject)body.DeepClone();
                stored["apiVersion"] = definition.ApiVersion;
                stored["kind"] = definition.Kind;
                if (definition.Namespaced)
                    stored["metadata"]!["namespace"] = ns;
                var managers = existing?.Managers.ToDictionary(p => p.Key, p => (Fields: new HashSet<string>(p.Value.Fields, StringComparer.Ordinal), p.Value.Operation), StringComparer.Ordinal)
                    ?? new Dictionary<string, (HashSet<string> Fields, string Operation)>(StringComparer.Ordinal);
                var fields = FieldPaths.Leaves(stored);
                foreach (var other in managers.Values)
                    other.Fields.ExceptWith(fields);
                managers[manager] = (fields, "Update");
                foreach (var empty in managers.Where(p => p.Value.Fields.Count == 0).Select(p => p.Key).ToList())
                    managers.Remove(empty);
                if (existing is not null)
                    CopyServerFields(existing.Object, stored);
                var specChanged = existing is null || !JsonNode.DeepEquals(existing.Object["spec"], stored["spec"]);
                var next = new StoredObject(stored, managers);
                Commit(key, next, existing is null ? "ADDED" : "MODIFIED", specChanged);
                (status, response) = (existing is null ? 201 : 200, InVersion(next.Object, definition));
            }
        }

        await WriteJsonAsync(context, status, response).ConfigureAwait(false);
    }

    private static async Task<JsonObject?> ReadObjectAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        try
        {
            return JsonNode.Parse(await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false)) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task DeleteAsync(HttpContext context, ResourceDefinition definition, string ns, string name)
    {
        JsonObject? options = null;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(text))
                options = JsonNode.Parse(text) as JsonObject;
        }

        var key = new ObjectKey(definition.Group, definition.Plural, ns, name);
        int status;
        JsonObject body;
        lock (_gate)
        {
            if (!_objects.TryGetValue(key, out var stored))
            {
                (status, body) = (404, Status(404, "NotFound", $"{definition.Plural}.{definition.Group} \"{name}\" not found", definition, name));
            }
            else
            {
                var uid = (string?)stored.Object["metadata"]!["uid"];
                var version = (string?)stored.Object["metadata"]!["resourceVersion"];
                var wantUid = (string?)options?["preconditions"]?["uid"];
                var wantVersion = (string?)options?["preconditions"]?["resourceVersion"];
                if (wantUid is not null && wantUid != uid)
                    (status, body) = (409, Status(409, "Conflict", $"Precondition failed: UID in precondition: {wantUid}, UID in object meta: {uid}", definition, name));
                else if (wantVersion is not null && wantVersion != version)
                    (status, body) = (409, Status(409, "Conflict", $"Precondition failed: ResourceVersion in precondition: {wantVersion}, ResourceVersion in object meta: {version}", definition, name));
                else
                {
                    _objects.Remove(key);
                    var final = (JsonObject)stored.Object.DeepClone();
                    final["metadata"]!["resourceVersion"] = Rv(++_resourceVersion);
                    Publish(key, "DELETED", final);
                    body = Status(200, null, null, definition, name);
                    body["details"]!["uid"] = uid;
                    status = 200;
                }
            }
        }

        await WriteJsonAsync(context, status, body).ConfigureAwait(false);
    }

    // Caller holds _gate.
    private void Commit(ObjectKey key, StoredObject stored, string type, bool generationChanged)
    {
        var metadata = stored.Object["metadata"] as JsonObject ?? [];
        stored.Object["metadata"] = metadata;
        metadata["resourceVersion"] = Rv(++_resourceVersion);
        if (metadata["uid"] is null)
            metadata["uid"] = $"00000000-0000-4000-8000-{++_uidCounter:D12}";
        metadata["creationTimestamp"] ??= _time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var generation = metadata["generation"] is JsonValue g && g.TryGetValue<long>(out var n) ? n : 0;
        metadata["generation"] = generationChanged ? generation + 1 : Math.Max(generation, 1);
        var now = _time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        metadata["managedFields"] = new JsonArray([.. stored.Managers.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (JsonNode)new JsonObject
        {
            ["manager"] = m.Key,
            ["operation"] = m.Value.Operation,
            ["apiVersion"] = (string?)stored.Object["apiVersion"],
            ["time"] = now,
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = FieldPaths.ToFieldsV1(m.Value.Fields),
        })]);
        _objects[key] = stored;
        Publish(key, type, stored.Object);
    }

    // Caller holds _gate.
    private void Publish(ObjectKey key, string type, JsonObject obj)
    {
        var snapshot = (JsonObject)obj.DeepClone();
        _events.Add(new StoredEvent(_resourceVersion, type, key, snapshot));
        foreach (var watch in _watches.Where(w => w.Matches(key, snapshot)))
            watch.Lines.Writer.TryWrite(EventLine(type, snapshot, watch.Definition));
    }

    private static void CopyServerFields(JsonObject from, JsonObject to)
    {
        foreach (var field in (string[])["uid", "creationTimestamp", "generation"])
            to["metadata"]![field] = from["metadata"]?[field]?.DeepClone();
    }

    private static JsonObject Strip(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        if (copy["metadata"] is JsonObject metadata)
        {
            foreach (var field in (string[])["resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"])
                metadata.Remove(field);
        }

        return copy;
    }

    private static JsonObject InVersion(JsonObject obj, ResourceDefinition definition)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy["apiVersion"] = definition.ApiVersion;
        return copy;
    }

    private static string EventLine(string type, JsonObject obj, ResourceDefinition definition) =>
        new JsonObject { ["type"] = type, ["object"] = InVersion(obj, definition) }.ToJsonString();

    private static string ExpiredEvent(long version) => new JsonObject
    {
        ["type"] = "ERROR",
        ["object"] = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = $"too old resource version: {version.ToString(CultureInfo.InvariantCulture)}",
            ["reason"] = "Expired",
            ["code"] = 410,
        },
    }.ToJsonString();

    private void SignalWatchesChanged()
    {
        var previous = _watchesChanged;
        _watchesChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    private static string Rv(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static JsonObject Status(int code, string? reason, string? message, ResourceDefinition definition, string name, IEnumerable<(string Reason, string Message, string Field)>? causes = null)
    {
        var details = new JsonObject { ["name"] = name, ["group"] = definition.Group, ["kind"] = definition.Plural };
        var causeArray = causes?.Select(c => (JsonNode)new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field }).ToArray();
        if (causeArray is { Length: > 0 })
            details["causes"] = new JsonArray(causeArray);
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = code < 300 ? "Success" : "Failure",
            ["details"] = details,
            ["code"] = code,
        };
        if (message is not null)
            status["message"] = message;
        if (reason is not null)
            status["reason"] = reason;
        return status;
    }

    private static Task NotFoundAsync(HttpContext context, ResourceDefinition definition, string name) =>
        WriteJsonAsync(context, 404, Status(404, "NotFound", $"{definition.Plural}.{definition.Group} \"{name}\" not found", definition, name));

    private static Task WriteStatusAsync(HttpContext context, int code, string reason, string message) =>
        WriteJsonAsync(context, code, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        });

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private sealed record ResourceDefinition(string Group, string Version, string Plural, string Kind, bool Namespaced)
    {
        /// <summary>The <c>apiVersion</c> of the kind: <c>group/version</c>, or the bare version for the core group.</summary>
        public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;
    }

    private readonly record struct ObjectKey(string Group, string Plural, string Namespace, string Name);

    private sealed record StoredObject(JsonObject Object, Dictionary<string, (HashSet<string> Fields, string Operation)> Managers);

    private sealed record StoredEvent(long Version, string Type, ObjectKey Key, JsonObject Object);

    private sealed class Watch(ResourceDefinition definition, string? ns, LabelSelector selector, bool bookmarks, long fromVersion)
    {
        public ResourceDefinition Definition { get; } = definition;

        public bool Bookmarks { get; } = bookmarks;

        public long FromVersion { get; } = fromVersion;

        public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

        public bool Matches(ObjectKey key, JsonObject obj) =>
            key.Group == Definition.Group && key.Plural == Definition.Plural && (ns is null || key.Namespace == ns) && selector.Matches(obj);
    }
}
