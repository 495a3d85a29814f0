namespace MeshInterop.Catalog.Validation;

/// <summary>How strictly entries are checked (reference G21).</summary>
public enum CatalogValidationMode
{
    /// <summary>
    /// The inbound default: the key is required (and, for v1alpha2, the FQDN); every endpoint present needs an
    /// address and a port 1-65535; every instance present needs an ID and a protocol from the set; every other value
    /// present must be well formed and within the limits. Accepts the reference implementation's sparse objects.
    /// </summary>
    Lenient = 0,

    /// <summary>
    /// The outbound default: lenient, plus every proto-REQUIRED field of the resource version, and canonical
    /// spelling (lower-case FQDN, upper-case reserved metadata keys).
    /// </summary>
    Strict = 1,
}
