namespace MeshInterop.Catalog.Export;

/// <summary>One Kubernetes <c>matchExpressions</c> item: a label key, an operator and a set of values.</summary>
public sealed class LabelSelectorRequirement
{
    /// <summary>Gets or sets the label key, a Kubernetes qualified name such as <c>app</c> or <c>example.com/tier</c>.</summary>
    /// <value>Default: empty, which validation rejects.</value>
    public string Key { get; set; } = string.Empty;

    /// <summary>Gets or sets how the label is compared with <see cref="Values"/>.</summary>
    /// <value>Default: <see cref="LabelSelectorOperator.In"/>.</value>
    public LabelSelectorOperator Operator { get; set; } = LabelSelectorOperator.In;

    /// <summary>Gets the values: non-empty for <c>In</c> and <c>NotIn</c>, empty for <c>Exists</c> and <c>DoesNotExist</c>.</summary>
    /// <value>Default: empty.</value>
    public IList<string> Values { get; } = [];
}
