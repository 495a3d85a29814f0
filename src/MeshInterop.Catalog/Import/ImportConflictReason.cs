namespace MeshInterop.Catalog.Import;

/// <summary>Why an import is not projected into the local mesh as itself.</summary>
public enum ImportConflictReason
{
    /// <summary>A local service owns the name or the FQDN: a peer can never shadow a local service.</summary>
    LocalService = 0,

    /// <summary>An import seen earlier owns the name (<see cref="ImportCollisionPolicy.EarliestWins"/>).</summary>
    EarlierImport = 1,

    /// <summary>Several imports claim the name and the policy is <see cref="ImportCollisionPolicy.RejectAll"/>: none is projected.</summary>
    Ambiguous = 2,

    /// <summary>The import's service ports differ from the earliest import of the name, so it cannot be aggregated.</summary>
    IncompatiblePorts = 3,

    /// <summary>The import shares the name and was merged into the earliest import's entry (<see cref="ImportCollisionPolicy.AggregateWhenCompatible"/>).</summary>
    Aggregated = 4,

    /// <summary>The naming policy could not form a valid local FQDN for the import.</summary>
    InvalidName = 5,

    /// <summary>An import with a different local name claimed the same local FQDN earlier: two names never share an FQDN.</summary>
    FqdnTaken = 6,

    /// <summary>
    /// The import has no local FQDN (the owner sent none and no FQDN template gives one): it is stored but not projected
    /// (reference section 7.3), and holds no local name.
    /// </summary>
    MissingFqdn = 7,
}
