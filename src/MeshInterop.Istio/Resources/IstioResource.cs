using System.Text.Json;
using System.Text.Json.Nodes;
using MeshInterop.Istio.Internal;

namespace MeshInterop.Istio.Resources;

/// <summary>The metadata the adapter sets on an object: never status, uid, resourceVersion or managed fields.</summary>
public sealed class IstioObjectMetadata
{
    /// <summary>Gets the object name (a DNS-1123 label for every object the adapter names).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Gets the labels, written sorted by key.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the annotations, written sorted by key.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>
/// An Istio object the adapter emits. Serialisation is canonical: keys sorted ordinally, set-like lists sorted and
/// deduplicated, unset fields omitted, so that identical input always gives byte-identical JSON and YAML.
/// </summary>
public abstract class IstioResource
{
    private protected IstioResource()
    {
    }

    /// <summary>Gets the kind, group and plural of this object.</summary>
    public abstract IstioResourceType ResourceType { get; }

    /// <summary>Gets the object metadata.</summary>
    public required IstioObjectMetadata Metadata { get; init; }

    /// <summary>Builds the canonical JSON tree of this object.</summary>
    /// <param name="apiVersion">The API version to write in <c>apiVersion</c>.</param>
    /// <returns>A new tree that the caller may change.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="apiVersion"/> is not a defined value.</exception>
    public JsonObject ToJsonObject(IstioApiVersion apiVersion)
    {
        var metadata = new JsonObject { ["name"] = Metadata.Name, ["namespace"] = Metadata.Namespace };
        SpecJson.Set(metadata, "labels", SpecJson.StringMap(Metadata.Labels));
        SpecJson.Set(metadata, "annotations", SpecJson.StringMap(Metadata.Annotations));
        var root = new JsonObject
        {
            ["apiVersion"] = ResourceType.ApiVersion(apiVersion),
            ["kind"] = ResourceType.Kind,
            ["metadata"] = metadata,
            // Istio kinds carry "spec: {}" rather than no spec: ServiceEntry and WorkloadEntry require it.
            ["spec"] = SpecToJson(),
        };
        return (JsonObject)SpecJson.SortKeys(root)!;
    }

    /// <summary>Serialises this object as compact, canonical JSON.</summary>
    /// <param name="apiVersion">The API version to write in <c>apiVersion</c>.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="apiVersion"/> is not a defined value.</exception>
    public string ToJson(IstioApiVersion apiVersion) => ToJsonObject(apiVersion).ToJsonString(CompactJson);

    /// <summary>Serialises this object as one canonical YAML document.</summary>
    /// <param name="apiVersion">The API version to write in <c>apiVersion</c>.</param>
    /// <returns>The YAML text, LF line ends.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="apiVersion"/> is not a defined value.</exception>
    public string ToYaml(IstioApiVersion apiVersion) => YamlJson.Write([ToJsonObject(apiVersion)]);

    internal abstract JsonObject SpecToJson();

    /// <summary>A copy of this object with other metadata and the same spec.</summary>
    internal abstract IstioResource WithMetadata(IstioObjectMetadata metadata);

    private static readonly JsonSerializerOptions CompactJson = new() { WriteIndented = false };
}
