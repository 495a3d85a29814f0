using System.Text.Json.Nodes;
using MeshInterop.Istio.Resources;

namespace MeshInterop.Istio.Internal.Reconcile;

/// <summary>An object carrying the adapter's ownership label, as a complete LIST returned it.</summary>
internal sealed record OwnedObject(IstioResourceType Type, JsonObject Object)
{
    public string Namespace => (string?)Object["metadata"]?["namespace"] ?? string.Empty;

    public string Name => (string?)Object["metadata"]?["name"] ?? string.Empty;

    public string Uid => (string?)Object["metadata"]?["uid"] ?? string.Empty;

    /// <summary>Gets the value of <c>meshinterop.io/service</c>, or the empty string for objects not tied to one service.</summary>
    public string GroupKey => Label(IstioObjectNaming.ServiceLabel) ?? string.Empty;

    public string? Peer => Label(IstioObjectNaming.PeerLabel);

    /// <summary>Gets the catalog key the object was built from (<c>meshinterop.io/catalog-key</c>), which survives renames.</summary>
    public string? CatalogKey => (string?)Object["metadata"]?["annotations"]?[IstioObjectNaming.CatalogKeyAnnotation];

    public string? SpecHash => (string?)Object["metadata"]?["annotations"]?[IstioObjectNaming.SpecHashAnnotation];

    public ObjectId Id => new(Type, Namespace, Name);

    public string? Label(string key) => (string?)Object["metadata"]?["labels"]?[key];

    public IReadOnlyDictionary<string, string> Labels =>
        (Object["metadata"]?["labels"] as JsonObject)?.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => (string?)p.Value ?? string.Empty, StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>The identity of an object: kind, namespace and name.</summary>
internal readonly record struct ObjectId(IstioResourceType Type, string Namespace, string Name)
{
    public static ObjectId Of(IstioResource resource) => new(resource.ResourceType, resource.Metadata.Namespace, resource.Metadata.Name);

    public override string ToString() => $"{Type.Kind} '{Namespace}/{Name}'";
}

/// <summary>
/// The desired objects of one group (one service, or one aggregated export object), written or held back together.
/// <paramref name="CatalogKey"/> ties the group to objects built from the same catalog entry under another name.
/// </summary>
internal sealed record DesiredGroup(string GroupKey, string? CatalogKey, IReadOnlyList<IstioResource> Resources);

/// <summary>Why a group was held back: its objects are neither written nor are its existing objects (same group or catalog key) deleted.</summary>
internal sealed record HeldBackGroup(string GroupKey, string? CatalogKey, ObjectId Object, string Reason);

/// <summary>What one write pass did.</summary>
internal sealed record WriteOutcome(int Applied, int Unchanged, int Deleted, IReadOnlyList<HeldBackGroup> HeldBack, IReadOnlyList<string> Warnings)
{
    public static WriteOutcome None { get; } = new(0, 0, 0, [], []);
}
