using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Telemetry;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Istio.Internal.Kubernetes;

/// <summary>The result of a server-side apply: the stored object and the API server's warnings.</summary>
internal sealed record ApplyResult(JsonObject Object, IReadOnlyList<string> Warnings, bool Created);

/// <summary>A complete LIST: the items and the collection's resourceVersion to watch from.</summary>
internal sealed record ListResult(IReadOnlyList<JsonObject> Items, string ResourceVersion);

internal enum IstioWatchEventType
{
    /// <summary>A complete, fresh list: replace everything known (first list, or re-list after 410 Gone).</summary>
    Resynced,
    Added,
    Modified,
    Deleted,
}

/// <summary>A change seen by <see cref="IstioObjectClient.WatchAsync"/>; <see cref="Items"/> is set for <see cref="IstioWatchEventType.Resynced"/>.</summary>
internal sealed record IstioWatchEvent(IstioWatchEventType Type, JsonObject? Object, IReadOnlyList<JsonObject> Items, string ResourceVersion);

/// <summary>
/// Reads and writes Istio objects through KubernetesClient's generic custom-object API: server-side apply with
/// <c>fieldManager=meshinterop</c>, <c>force=true</c> and <c>fieldValidation=Strict</c> (unknown fields rejected,
/// never silently pruned), LIST by label, DELETE with a UID precondition, and WATCH with bookmarks that re-lists
/// when the API server answers 410 Gone.
/// </summary>
internal sealed partial class IstioObjectClient(k8s.Kubernetes client, TimeProvider timeProvider, ILogger logger, IstioMetrics? metrics = null)
{
    public const string FieldManager = "meshinterop";

    // A watch that closes without delivering anything is retried after this pause, so a server that closes every
    // watch at once cannot drive a hot loop.
    private static readonly TimeSpan EmptyWatchBackoff = TimeSpan.FromSeconds(1);

    public async Task<ApplyResult> ApplyAsync(IstioResource resource, IstioApiVersion version, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var type = resource.ResourceType;
        var body = new V1Patch(resource.ToJson(version), V1Patch.PatchType.ApplyPatch);
        using var activity = Start("Apply", type, resource.Metadata.Namespace, resource.Metadata.Name);
        HttpOperationResponse<object> response;
        try
        {
            response = await client.CustomObjects.PatchNamespacedCustomObjectWithHttpMessagesAsync(
                body, type.Group, IstioResourceType.VersionName(version), resource.Metadata.Namespace, type.Plural, resource.Metadata.Name,
                dryRun: dryRun ? "All" : null, fieldManager: FieldManager, fieldValidation: "Strict", force: true,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex)
        {
            var error = KubernetesApiException.From(ex, $"Apply of {type.Kind} '{resource.Metadata.Namespace}/{resource.Metadata.Name}'");
            LogWarnings(Warnings(ex.Response.Headers), type, resource.Metadata);
            throw Failed(activity, "apply", type, error);
        }

        using (response)
        {
            var warnings = Warnings(response.Response.Headers);
            LogWarnings(warnings, type, resource.Metadata);
            metrics?.Request("apply", type.Kind, "success");
            return new ApplyResult(ToJsonObject(response.Body), warnings, response.Response.StatusCode == HttpStatusCode.Created);
        }
    }

    public async Task<ListResult> ListAsync(IstioResourceType type, IstioApiVersion version, string? ns, string? labelSelector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        using var activity = Start("List", type, ns, null);
        HttpOperationResponse<object> response;
        try
        {
            response = await ListObjectsAsync(type, version, ns, labelSelector, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex)
        {
            throw Failed(activity, "list", type, KubernetesApiException.From(ex, $"List of {type.Kind} in '{ns ?? "(all namespaces)"}'"));
        }

        using (response)
        {
            metrics?.Request("list", type.Kind, "success");
            var list = ToJsonObject(response.Body);
            var items = (list["items"] as JsonArray)?.OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()).ToList() ?? [];
            return new ListResult(items, (string?)list["metadata"]?["resourceVersion"] ?? string.Empty);
        }
    }

    /// <summary>Reads one object; <see langword="null"/> when it does not exist.</summary>
    public async Task<JsonObject?> GetAsync(IstioResourceType type, IstioApiVersion version, string ns, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        using var activity = Start("Get", type, ns, name);
        try
        {
            using var response = await client.CustomObjects.GetNamespacedCustomObjectWithHttpMessagesAsync(
                type.Group, IstioResourceType.VersionName(version), ns, type.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            metrics?.Request("get", type.Kind, "success");
            return ToJsonObject(response.Body);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            metrics?.Request("get", type.Kind, "not_found");
            return null;
        }
        catch (HttpOperationException ex)
        {
            throw Failed(activity, "get", type, KubernetesApiException.From(ex, $"Read of {type.Kind} '{ns}/{name}'"));
        }
    }

    /// <summary>Deletes an object only if its UID is still <paramref name="uid"/>; returns false when it is already gone.</summary>
    public async Task<bool> DeleteAsync(IstioResourceType type, IstioApiVersion version, string ns, string name, string uid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        var options = new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = uid } };
        using var activity = Start("Delete", type, ns, name);
        try
        {
            using var response = await client.CustomObjects.DeleteNamespacedCustomObjectWithHttpMessagesAsync(
                type.Group, IstioResourceType.VersionName(version), ns, type.Plural, name, options, cancellationToken: cancellationToken).ConfigureAwait(false);
            metrics?.Request("delete", type.Kind, "success");
            return true;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            metrics?.Request("delete", type.Kind, "not_found");
            return false;
        }
        catch (HttpOperationException ex)
        {
            throw Failed(activity, "delete", type, KubernetesApiException.From(ex, $"Delete of {type.Kind} '{ns}/{name}'"));
        }
    }

    /// <summary>
    /// Lists, then watches from the list's resourceVersion with bookmarks, until cancelled. On 410 Gone (history
    /// compacted) it lists again and yields <see cref="IstioWatchEventType.Resynced"/>; a watch the server closes is
    /// resumed from the last resourceVersion seen, bookmarks included.
    /// </summary>
    public async IAsyncEnumerable<IstioWatchEvent> WatchAsync(
        IstioResourceType type, IstioApiVersion version, string? ns, string? labelSelector, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        string? resourceVersion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (resourceVersion is null)
            {
                var list = await ListAsync(type, version, ns, labelSelector, cancellationToken).ConfigureAwait(false);
                resourceVersion = list.ResourceVersion;
                yield return new IstioWatchEvent(IstioWatchEventType.Resynced, null, list.Items, resourceVersion);
            }

            Exception? streamError = null;
            var expired = false;
            var delivered = 0;
            var versionName = IstioResourceType.VersionName(version);
            var stream = ns is null
                ? client.CustomObjects.WatchListClusterCustomObjectAsync(
                    type.Group, versionName, type.Plural, allowWatchBookmarks: true, labelSelector: labelSelector,
                    resourceVersion: resourceVersion, onError: e => streamError ??= e, cancellationToken: cancellationToken)
                : client.CustomObjects.WatchListNamespacedCustomObjectAsync(
                    type.Group, versionName, ns, type.Plural, allowWatchBookmarks: true, labelSelector: labelSelector,
                    resourceVersion: resourceVersion, onError: e => streamError ??= e, cancellationToken: cancellationToken);
            await using (var events = stream.GetAsyncEnumerator(cancellationToken))
            {
                while (true)
                {
                    bool moved;
                    try
                    {
                        moved = await events.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Gone)
                    {
                        expired = true;
                        break;
                    }
                    catch (HttpOperationException ex)
                    {
                        throw KubernetesApiException.From(ex, $"Watch of {type.Kind} in '{ns ?? "(all namespaces)"}'");
                    }

                    if (!moved)
                        break;
                    var (eventType, item) = events.Current;
                    var element = item is JsonElement e ? e : JsonSerializer.SerializeToElement(item);
                    delivered++;
                    if (eventType == WatchEventType.Error || IsExpiredStatus(element))
                    {
                        expired = true;
                        break;
                    }

                    var obj = JsonNode.Parse(element.GetRawText()) as JsonObject;
                    if ((string?)obj?["metadata"]?["resourceVersion"] is { Length: > 0 } seen)
                        resourceVersion = seen;
                    var mapped = eventType switch
                    {
                        WatchEventType.Added => IstioWatchEventType.Added,
                        WatchEventType.Modified => IstioWatchEventType.Modified,
                        WatchEventType.Deleted => IstioWatchEventType.Deleted,
                        _ => (IstioWatchEventType?)null, // BOOKMARK: only the resourceVersion matters
                    };
                    if (mapped is { } t && obj is not null)
                        yield return new IstioWatchEvent(t, obj, [], resourceVersion);
                }
            }

            if (expired || streamError is KubernetesException { Status.Code: 410 })
            {
                Log.WatchExpired(logger, type.Kind, ns ?? "(all namespaces)", resourceVersion);
                metrics?.WatchResync(type.Kind);
                resourceVersion = null;
                continue;
            }

            if (streamError is not null and not OperationCanceledException)
                throw new KubernetesApiException(HttpStatusCode.ServiceUnavailable, null, $"Watch of {type.Kind} in '{ns ?? "(all namespaces)"}' failed: {streamError.Message}", [], streamError);

            if (delivered == 0)
                await Task.Delay(EmptyWatchBackoff, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<HttpOperationResponse<object>> ListObjectsAsync(
        IstioResourceType type, IstioApiVersion version, string? ns, string? labelSelector, CancellationToken cancellationToken)
    {
        var versionName = IstioResourceType.VersionName(version);
        return ns is null
            ? client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync(
                type.Group, versionName, type.Plural, labelSelector: labelSelector, cancellationToken: cancellationToken)
            : client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(
                type.Group, versionName, ns, type.Plural, labelSelector: labelSelector, cancellationToken: cancellationToken);
    }

    private static bool IsExpiredStatus(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "Status"
        && element.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number && code.GetInt32() == 410;

    private static JsonObject ToJsonObject(object? body) => body switch
    {
        JsonElement element => JsonNode.Parse(element.GetRawText()) as JsonObject ?? throw new InvalidDataException("The API server answered with something other than an object."),
        null => throw new InvalidDataException("The API server answered without a body."),
        _ => JsonNode.Parse(KubernetesJson.Serialize(body)) as JsonObject ?? throw new InvalidDataException("The API server answered with something other than an object."),
    };

    // RFC 7234 warn-text: 299 - "message"; the API server always uses code 299 and agent "-".
    private static List<string> Warnings(System.Net.Http.Headers.HttpHeaders headers) =>
        headers.TryGetValues("Warning", out var values) ? [.. values.Select(ParseWarning)] : [];

    private static List<string> Warnings(IDictionary<string, IEnumerable<string>>? headers) =>
        headers is not null && headers.TryGetValue("Warning", out var values) ? [.. values.Select(ParseWarning)] : [];

    private static string ParseWarning(string header)
    {
        var text = header.Trim();
        if (text.StartsWith("299 - ", StringComparison.Ordinal))
            text = text["299 - ".Length..];
        return text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal) : text;
    }

    private static Activity? Start(string operation, IstioResourceType type, string? ns, string? name)
    {
        var activity = IstioActivity.Source.StartActivity(IstioTelemetry.Name + "." + operation, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(IstioTelemetryTags.Kind, type.Kind);
            activity.SetTag("k8s.namespace.name", ns);
            activity.SetTag("k8s.object.name", name);
        }

        return activity;
    }

    private KubernetesApiException Failed(Activity? activity, string operation, IstioResourceType type, KubernetesApiException error)
    {
        var outcome = error.StatusCode switch
        {
            HttpStatusCode.NotFound => "not_found",
            HttpStatusCode.Conflict => "conflict",
            HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest => "invalid",
            _ => "error",
        };
        metrics?.Request(operation, type.Kind, outcome);
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Reason);
            activity.SetTag(IstioTelemetryTags.ErrorType, ((int)error.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return error;
    }

    private void LogWarnings(List<string> warnings, IstioResourceType type, IstioObjectMetadata metadata)
    {
        metrics?.Warnings(type.Kind, warnings.Count);
        foreach (var warning in warnings)
            Log.ApplyWarning(logger, type.Kind, metadata.Namespace, metadata.Name, warning);
    }

    private static partial class Log
    {
        [LoggerMessage(4001, LogLevel.Warning, "The API server warned about {Kind} '{Namespace}/{Name}': {Warning}.", EventName = nameof(ApplyWarning))]
        public static partial void ApplyWarning(ILogger logger, string kind, string @namespace, string name, string warning);

        [LoggerMessage(4002, LogLevel.Information, "The watch of {Kind} in '{Namespace}' expired at resourceVersion '{ResourceVersion}' (410 Gone); listing again.", EventName = nameof(WatchExpired))]
        public static partial void WatchExpired(ILogger logger, string kind, string @namespace, string? resourceVersion);
    }
}
