namespace MeshInterop.Conformance.Hooks;

/// <summary>What a mutation does to a service the target exports.</summary>
public enum ConformanceMutationKind
{
    /// <summary>Adds the service.</summary>
    Create = 0,

    /// <summary>Replaces the service with the given full object.</summary>
    Update = 1,

    /// <summary>Removes the service.</summary>
    Delete = 2,
}
