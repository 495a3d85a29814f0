namespace MeshInterop.Catalog.Validation;

/// <summary>The Hamlet <c>FederatedService</c> version whose rules validation applies.</summary>
public enum HamletResourceVersion
{
    /// <summary><c>federation.types.v1alpha2</c>: name and FQDN required, instances, no CIDR addresses.</summary>
    V1Alpha2 = 0,

    /// <summary><c>federation.types.v1alpha1</c>: SNI (<c>id</c>), one SAN and protocols; CIDR endpoint addresses allowed (G22).</summary>
    V1Alpha1 = 1,
}
