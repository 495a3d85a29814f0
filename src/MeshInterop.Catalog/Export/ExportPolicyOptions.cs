namespace MeshInterop.Catalog.Export;

/// <summary>
/// What one peer may see of the local catalog. An entry is exported when it matches at least one
/// <see cref="Allow"/> rule and no <see cref="Deny"/> rule: deny always wins, and with no allow rule nothing
/// is exported. Imported entries are never exported unless <see cref="TransitiveExport"/> is set, and never back
/// to the peer they came from.
/// </summary>
public sealed class ExportPolicyOptions
{
    /// <summary>Gets the rules that select entries for the peer.</summary>
    /// <value>Default: empty, so the peer receives nothing.</value>
    public IList<ExportRule> Allow { get; } = [];

    /// <summary>Gets the rules that withhold entries from the peer even when an allow rule selects them.</summary>
    /// <value>Default: empty.</value>
    public IList<ExportRule> Deny { get; } = [];

    /// <summary>
    /// Gets or sets a value indicating whether entries this mesh imported from other peers may be exported to this
    /// peer (transitive federation). They are never sent back to the peer they came from.
    /// </summary>
    /// <value>Default: <see langword="false"/>: only local services are exported.</value>
    public bool TransitiveExport { get; set; }
}
