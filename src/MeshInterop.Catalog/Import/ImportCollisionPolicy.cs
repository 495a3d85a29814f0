namespace MeshInterop.Catalog.Import;

/// <summary>
/// What the import view does when imports of different peers (or different keys of one peer) map to the same
/// local name. Whatever the policy, a local service always wins over imports of its name, and every import
/// that is not projected as itself is reported as an <see cref="ImportConflict"/>.
/// </summary>
public enum ImportCollisionPolicy
{
    /// <summary>
    /// The import seen first wins (earliest first-seen time; ties broken by peer name, then key, ordinally), as the
    /// Kubernetes multi-cluster services API resolves conflicts. Losers are kept and promoted, oldest first, when the
    /// winner goes away.
    /// </summary>
    EarliestWins = 0,

    /// <summary>No import of a contested name is projected while more than one claims it.</summary>
    RejectAll = 1,

    /// <summary>
    /// Imports whose service ports agree with the earliest one are merged into one entry with the union of their
    /// endpoints; imports whose ports differ are conflicts, as with <see cref="EarliestWins"/>.
    /// </summary>
    AggregateWhenCompatible = 2,
}
