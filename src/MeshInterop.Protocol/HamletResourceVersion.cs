namespace MeshInterop.Protocol;

/// <summary>The version of the <c>FederatedService</c> resource a stream carries, independent of its envelope.</summary>
public enum HamletResourceVersion
{
    /// <summary><c>federation.types.v1alpha1.FederatedService</c>: keyed by <c>id</c> (the SNI), one <c>san</c>, free-form <c>protocols</c>.</summary>
    V1Alpha1 = 1,

    /// <summary><c>federation.types.v1alpha2.FederatedService</c>: keyed by <c>name</c>, with <c>sans</c>, instances and labelled endpoints.</summary>
    V1Alpha2 = 2,
}
