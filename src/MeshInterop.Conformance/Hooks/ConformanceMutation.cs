namespace MeshInterop.Conformance.Hooks;

/// <summary>A change the kit asks an owner target to make to its exported catalog.</summary>
/// <param name="Kind">Create, update or delete.</param>
/// <param name="Name">The service's name (the v1alpha2 key); for v1alpha1 resources the target uses it as <c>id</c>.</param>
/// <param name="Json">The full service as proto3 JSON of <c>federation.types.v1alpha2.FederatedService</c>; for a delete, the last full object.</param>
public sealed record ConformanceMutation(ConformanceMutationKind Kind, string Name, string Json)
{
    /// <summary>Gets the operation word used by the command and HTTP hooks: <c>create</c>, <c>update</c> or <c>delete</c>.</summary>
    public string Operation => Kind switch
    {
        ConformanceMutationKind.Create => "create",
        ConformanceMutationKind.Update => "update",
        _ => "delete",
    };
}
