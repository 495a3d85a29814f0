namespace MeshInterop.Catalog.Export;

/// <summary>The operator of a <see cref="LabelSelectorRequirement"/>, with Kubernetes <c>matchExpressions</c> semantics.</summary>
public enum LabelSelectorOperator
{
    /// <summary>The label is present and its value is one of <see cref="LabelSelectorRequirement.Values"/>.</summary>
    In = 0,

    /// <summary>The label is absent, or its value is none of <see cref="LabelSelectorRequirement.Values"/>.</summary>
    NotIn = 1,

    /// <summary>The label is present, whatever its value; <see cref="LabelSelectorRequirement.Values"/> must be empty.</summary>
    Exists = 2,

    /// <summary>The label is absent; <see cref="LabelSelectorRequirement.Values"/> must be empty.</summary>
    DoesNotExist = 3,
}
