using System.Net;
using MeshInterop.Istio.Internal.Kubernetes;
using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Validation;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Istio.Internal.Reconcile;

/// <summary>
/// Makes the owned objects in a scope equal to a desired set (reference section 10): every object is validated
/// first; only objects whose spec hash or labels differ are applied (so applying twice writes nothing); an object
/// whose name is taken by an object without the ownership label is never applied; creates come before deletes, with
/// security objects first on the way in and last on the way out; a group that could not be written keeps its old
/// objects; and nothing is deleted once any write of the pass failed.
/// </summary>
internal sealed partial class OwnedObjectWriter(IstioObjectClient client, IstioApiDiscovery discovery, ILogger logger)
{
    // Security goes first on the way in (DR before its SE; PA and AP before the Gateway lists the host) ...
    private static readonly IstioResourceType[] ApplyOrder =
    [
        IstioResourceType.DestinationRule, IstioResourceType.PeerAuthentication, IstioResourceType.AuthorizationPolicy,
        IstioResourceType.ServiceEntry, IstioResourceType.WorkloadEntry, IstioResourceType.VirtualService, IstioResourceType.Gateway,
    ];

    // ... and last on the way out.
    private static readonly IstioResourceType[] DeleteOrder = [.. ApplyOrder.Reverse()];

    /// <summary>The API version of each kind by discovery; fails naming every kind the cluster serves in neither v1 nor v1beta1.</summary>
    public async Task<IReadOnlyDictionary<IstioResourceType, IstioApiVersion>> ResolveVersionsAsync(IEnumerable<IstioResourceType> kinds, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<IstioResourceType, IstioApiVersion>();
        var missing = new List<string>();
        foreach (var kind in kinds)
        {
            if (await discovery.ResolveAsync(kind, cancellationToken).ConfigureAwait(false) is { } version)
                versions[kind] = version;
            else
                missing.Add(kind.ToString());
        }

        if (missing.Count > 0)
            throw new IstioWriteException([.. missing.Select(m => $"{m} is served in neither v1 nor v1beta1; is Istio installed, and at 1.20 or later?")]);
        return versions;
    }

    /// <summary>Lists the owned objects of the kinds across all namespaces; throws unless every list succeeded, so that no sweep ever runs on a partial read.</summary>
    public async Task<List<OwnedObject>> ListOwnedAsync(
        IReadOnlyDictionary<IstioResourceType, IstioApiVersion> versions, string labelSelector, CancellationToken cancellationToken)
    {
        var owned = new List<OwnedObject>();
        foreach (var (type, version) in versions.OrderBy(v => v.Key.Kind, StringComparer.Ordinal))
        {
            ListResult list;
            try
            {
                list = await client.ListAsync(type, version, null, labelSelector, cancellationToken).ConfigureAwait(false);
            }
            catch (KubernetesApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                discovery.Invalidate(type);
                throw;
            }

            // The server applied the selector; checking the label again keeps a misbehaving proxy from handing us
            // objects we do not own.
            owned.AddRange(list.Items
                .Where(i => string.Equals((string?)i["metadata"]?["labels"]?[IstioObjectNaming.ManagedByLabel], IstioObjectNaming.ManagedByValue, StringComparison.Ordinal))
                .Select(i => new OwnedObject(type, i)));
        }

        return owned;
    }

    public async Task<WriteOutcome> WriteAsync(
        IReadOnlyList<DesiredGroup> desired, IReadOnlyList<OwnedObject> existing, IReadOnlyDictionary<IstioResourceType, IstioApiVersion> versions,
        CrdSchemaSet? schemas, bool dryRunPreflight, CancellationToken cancellationToken)
    {
        var heldBack = new List<HeldBackGroup>();
        var warnings = new List<string>();
        var existingById = existing.ToDictionary(o => o.Id);
        var writes = new List<(string Group, IstioResource Resource)>();
        var desiredIds = new HashSet<ObjectId>();
        var unchanged = 0;

        foreach (var group in desired)
        {
            var stamped = group.Resources.Select(Stamp).ToList();
            desiredIds.UnionWith(stamped.Select(ObjectId.Of));
            if (Problem(stamped, versions, schemas, warnings) is { } invalid)
            {
                heldBack.Add(invalid with { GroupKey = group.GroupKey, CatalogKey = group.CatalogKey });
                continue;
            }

            var groupWrites = new List<IstioResource>();
            HeldBackGroup? conflict = null;
            foreach (var resource in stamped)
            {
                var id = ObjectId.Of(resource);
                if (existingById.TryGetValue(id, out var current))
                {
                    if (IsCurrent(current, resource))
                        unchanged++;
                    else
                        groupWrites.Add(resource);
                    continue;
                }

                // Not among the owned objects: the name may still be taken by someone else's object, which we never take over.
                var taken = await client.GetAsync(id.Type, versions[id.Type], id.Namespace, id.Name, cancellationToken).ConfigureAwait(false);
                if (taken is not null && !string.Equals((string?)taken["metadata"]?["labels"]?[IstioObjectNaming.ManagedByLabel], IstioObjectNaming.ManagedByValue, StringComparison.Ordinal))
                {
                    conflict = new HeldBackGroup(group.GroupKey, group.CatalogKey, id, $"{id} exists without the label {IstioObjectNaming.ManagedByLabel}={IstioObjectNaming.ManagedByValue}; it belongs to someone else and is left alone.");
                    break;
                }

                groupWrites.Add(resource);
            }

            if (conflict is not null)
            {
                heldBack.Add(conflict);
                continue;
            }

            writes.AddRange(groupWrites.Select(r => (group.GroupKey, r)));
        }

        foreach (var held in heldBack)
            Log.GroupHeldBack(logger, held.Object.ToString(), held.Reason);

        var ordered = writes.OrderBy(w => Array.IndexOf(ApplyOrder, w.Resource.ResourceType))
            .ThenBy(w => w.Resource.Metadata.Namespace, StringComparer.Ordinal).ThenBy(w => w.Resource.Metadata.Name, StringComparer.Ordinal).ToList();

        if (dryRunPreflight && ordered.Count > 0)
        {
            var preflight = new List<string>();
            foreach (var (_, resource) in ordered)
            {
                try
                {
                    await client.ApplyAsync(resource, versions[resource.ResourceType], dryRun: true, cancellationToken).ConfigureAwait(false);
                }
                catch (KubernetesApiException ex)
                {
                    preflight.Add($"{ObjectId.Of(resource)} (dry run): {Reason(ex)}");
                }
            }

            if (preflight.Count > 0)
                throw new IstioWriteException(preflight);
        }

        var failures = new List<string>();
        Exception? firstFailure = null;
        foreach (var (_, resource) in ordered)
        {
            try
            {
                var result = await client.ApplyAsync(resource, versions[resource.ResourceType], dryRun: false, cancellationToken).ConfigureAwait(false);
                warnings.AddRange(result.Warnings.Select(w => $"{ObjectId.Of(resource)}: {w}"));
            }
            catch (KubernetesApiException ex)
            {
                if (ex.StatusCode == HttpStatusCode.NotFound)
                    discovery.Invalidate(resource.ResourceType);
                failures.Add($"{ObjectId.Of(resource)}: {Reason(ex)}");
                firstFailure ??= ex;
            }
        }

        if (failures.Count > 0)
            throw new IstioWriteException(failures, firstFailure);

        var heldGroups = heldBack.Select(h => h.GroupKey).Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal);
        var heldKeys = heldBack.Select(h => h.CatalogKey).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var heldObjects = heldBack.Select(h => h.Object).ToHashSet();
        var deletes = existing
            .Where(o => !desiredIds.Contains(o.Id) && !heldObjects.Contains(o.Id)
                && !(o.GroupKey.Length > 0 && heldGroups.Contains(o.GroupKey)) && !(o.CatalogKey is { } key && heldKeys.Contains(key)))
            .OrderBy(o => Array.IndexOf(DeleteOrder, o.Type)).ThenBy(o => o.Namespace, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal)
            .ToList();
        var deleted = 0;
        foreach (var obj in deletes)
        {
            try
            {
                // The UID precondition: an object recreated since the list (by anyone) is never deleted by mistake.
                if (await client.DeleteAsync(obj.Type, versions[obj.Type], obj.Namespace, obj.Name, obj.Uid, cancellationToken).ConfigureAwait(false))
                    deleted++;
            }
            catch (KubernetesApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
            {
                Log.DeleteSkipped(logger, obj.Id.ToString(), Reason(ex));
            }
            catch (KubernetesApiException ex)
            {
                failures.Add($"{obj.Id} (delete): {Reason(ex)}");
                firstFailure ??= ex;
            }
        }

        if (failures.Count > 0)
            throw new IstioWriteException(failures, firstFailure);
        return new WriteOutcome(ordered.Count, unchanged, deleted, heldBack, warnings);
    }

    /// <summary>The object with the <c>meshinterop.io/spec-hash</c> annotation set from its canonical spec.</summary>
    public static IstioResource Stamp(IstioResource resource)
    {
        var annotations = new Dictionary<string, string>(resource.Metadata.Annotations, StringComparer.Ordinal)
        {
            [IstioObjectNaming.SpecHashAnnotation] = IstioObjectNaming.SpecHash(resource.SpecToJson()),
        };
        return resource.WithMetadata(new IstioObjectMetadata
        {
            Name = resource.Metadata.Name,
            Namespace = resource.Metadata.Namespace,
            Labels = resource.Metadata.Labels,
            Annotations = annotations,
        });
    }

    private static bool IsCurrent(OwnedObject current, IstioResource desired)
    {
        if (!string.Equals(current.SpecHash, desired.Metadata.Annotations[IstioObjectNaming.SpecHashAnnotation], StringComparison.Ordinal))
            return false;
        var labels = current.Labels;
        return labels.Count == desired.Metadata.Labels.Count
            && desired.Metadata.Labels.All(l => labels.TryGetValue(l.Key, out var v) && string.Equals(v, l.Value, StringComparison.Ordinal));
    }

    private static HeldBackGroup? Problem(
        List<IstioResource> resources, IReadOnlyDictionary<IstioResourceType, IstioApiVersion> versions, CrdSchemaSet? schemas, List<string> warnings)
    {
        foreach (var resource in resources)
        {
            if (!versions.TryGetValue(resource.ResourceType, out _))
                return new HeldBackGroup(string.Empty, null, ObjectId.Of(resource), $"{resource.ResourceType} is not served by the cluster.");
        }

        foreach (var finding in IstioObjectValidator.Validate(resources, schemas, t => versions[t]))
        {
            warnings.AddRange(finding.Issues.Where(i => i.Severity == ValidationSeverity.Warning).Select(i => $"{ObjectId.Of(finding.Resource)}: {i}"));
            if (!finding.IsValid)
                return new HeldBackGroup(string.Empty, null, ObjectId.Of(finding.Resource), "it fails validation: " + string.Join("; ", finding.Issues.Where(i => i.Severity == ValidationSeverity.Error)));
        }

        return null;
    }

    private static string Reason(KubernetesApiException ex) =>
        ex.Causes.Count == 0 ? ex.Message : ex.Message + " [" + string.Join("; ", ex.Causes) + "]";

    private static partial class Log
    {
        [LoggerMessage(4003, LogLevel.Error, "Not writing {Object} nor deleting what it replaces: {Reason}", EventName = nameof(GroupHeldBack))]
        public static partial void GroupHeldBack(ILogger logger, string @object, string reason);

        [LoggerMessage(4004, LogLevel.Warning, "Not deleting {Object}: it changed since it was listed ({Reason}).", EventName = nameof(DeleteSkipped))]
        public static partial void DeleteSkipped(ILogger logger, string @object, string reason);
    }
}
