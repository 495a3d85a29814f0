using MeshInterop.Istio.Internal;

namespace MeshInterop.Istio.Resources;

/// <summary>Writes sets of Istio objects as one multi-document YAML stream, as render mode and GitOps expect.</summary>
public static class IstioManifest
{
    /// <summary>
    /// Writes the objects sorted by kind, namespace and name (ordinal), each in the API version chosen for its
    /// kind, separated by <c>---</c>. Identical input gives identical bytes.
    /// </summary>
    /// <param name="resources">The objects.</param>
    /// <param name="apiVersion">The API version of each kind; <see langword="null"/> writes every kind as <c>v1</c>.</param>
    /// <returns>The YAML text, LF line ends; empty when there are no objects.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="resources"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two objects share kind, namespace and name.</exception>
    public static string ToYaml(IEnumerable<IstioResource> resources, Func<IstioResourceType, IstioApiVersion>? apiVersion = null)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var ordered = resources
            .OrderBy(r => r.ResourceType.Kind, StringComparer.Ordinal)
            .ThenBy(r => r.Metadata.Namespace, StringComparer.Ordinal)
            .ThenBy(r => r.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var (a, b) = (ordered[i - 1], ordered[i]);
            if (ReferenceEquals(a.ResourceType, b.ResourceType)
                && string.Equals(a.Metadata.Namespace, b.Metadata.Namespace, StringComparison.Ordinal)
                && string.Equals(a.Metadata.Name, b.Metadata.Name, StringComparison.Ordinal))
                throw new ArgumentException($"Two {a.ResourceType.Kind} objects are named '{a.Metadata.Namespace}/{a.Metadata.Name}'.", nameof(resources));
        }

        return ordered.Count == 0 ? string.Empty : YamlJson.Write(ordered.Select(r => r.ToJsonObject(apiVersion?.Invoke(r.ResourceType) ?? IstioApiVersion.V1)));
    }
}
