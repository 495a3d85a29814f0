namespace MeshInterop.Catalog.Export;

/// <summary>
/// A Kubernetes label selector: every <see cref="MatchLabels"/> pair and every <see cref="MatchExpressions"/>
/// item must hold. An empty selector matches every entry, as in Kubernetes.
/// </summary>
public sealed class LabelSelector
{
    /// <summary>Gets the labels an entry must carry with exactly these values (ordinal).</summary>
    /// <value>Default: empty.</value>
    public IDictionary<string, string> MatchLabels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the requirements an entry's labels must meet.</summary>
    /// <value>Default: empty.</value>
    public IList<LabelSelectorRequirement> MatchExpressions { get; } = [];
}
