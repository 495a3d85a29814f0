namespace MeshInterop.Catalog.Export;

/// <summary>
/// One rule of an <see cref="ExportPolicyOptions"/>. An entry matches when it meets every criterion the rule sets:
/// its name matches one of <see cref="Names"/>, its labels match <see cref="Selector"/>, and it carries every tag
/// in <see cref="Tags"/>. A rule must set at least one criterion; <c>"*"</c> in <see cref="Names"/> matches all.
/// </summary>
public sealed class ExportRule
{
    /// <summary>Gets the service-name globs (ordinal; <c>*</c> any run of characters, <c>?</c> one character); any one may match.</summary>
    /// <value>Default: empty, meaning names are not constrained.</value>
    public IList<string> Names { get; } = [];

    /// <summary>Gets or sets the label selector the entry's labels must match.</summary>
    /// <value>Default: <see langword="null"/>, meaning labels are not constrained.</value>
    public LabelSelector? Selector { get; set; }

    /// <summary>Gets the tags the entry must all carry (ordinal).</summary>
    /// <value>Default: empty, meaning tags are not constrained.</value>
    public IList<string> Tags { get; } = [];
}
