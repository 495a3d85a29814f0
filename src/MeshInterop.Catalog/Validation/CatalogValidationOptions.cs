using System.ComponentModel.DataAnnotations;

namespace MeshInterop.Catalog.Validation;

/// <summary>Rules and size limits for <see cref="CatalogEntryValidator"/>. The limits bound what any peer can make the catalog hold.</summary>
public sealed class CatalogValidationOptions
{
    /// <summary>Gets or sets how strictly entries are checked.</summary>
    /// <value>The default value is <see cref="CatalogValidationMode.Lenient"/>, the inbound default; use <see cref="CatalogValidationMode.Strict"/> for what the mesh publishes.</value>
    public CatalogValidationMode Mode { get; set; } = CatalogValidationMode.Lenient;

    /// <summary>Gets or sets the Hamlet resource version whose rules apply.</summary>
    /// <value>The default value is <see cref="HamletResourceVersion.V1Alpha2"/>.</value>
    public HamletResourceVersion ResourceVersion { get; set; } = HamletResourceVersion.V1Alpha2;

    /// <summary>Gets or sets the longest key, name, FQDN, SNI, instance ID or locality part.</summary>
    /// <value>The default value is 253 (the longest DNS name).</value>
    [Range(1, 4096)]
    public int MaxNameLength { get; set; } = 253;

    /// <summary>Gets or sets the longest tag, label, metadata key or value, SAN or protocol.</summary>
    /// <value>The default value is 1024.</value>
    [Range(1, 65536)]
    public int MaxValueLength { get; set; } = 1024;

    /// <summary>Gets or sets the longest description.</summary>
    /// <value>The default value is 4096.</value>
    [Range(0, 1024 * 1024)]
    public int MaxDescriptionLength { get; set; } = 4096;

    /// <summary>Gets or sets the most tags, labels, metadata pairs, SANs, protocols or selector labels one collection may hold.</summary>
    /// <value>The default value is 256.</value>
    [Range(1, 65536)]
    public int MaxSmallCollectionCount { get; set; } = 256;

    /// <summary>Gets or sets the most endpoints an entry may hold.</summary>
    /// <value>The default value is 4096.</value>
    [Range(1, 1024 * 1024)]
    public int MaxEndpoints { get; set; } = 4096;

    /// <summary>Gets or sets the most instances (and the most ports) an entry may hold.</summary>
    /// <value>The default value is 1024.</value>
    [Range(1, 1024 * 1024)]
    public int MaxInstances { get; set; } = 1024;

    /// <summary>Gets or sets the largest entry, estimated as its UTF-16 text plus a few bytes per field.</summary>
    /// <value>The default value is 1 MiB, a quarter of the default gRPC message limit.</value>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxEntryBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets how many problems are reported before validation stops (hostile input stays cheap to reject).</summary>
    /// <value>The default value is 100.</value>
    [Range(1, 10_000)]
    public int MaxErrors { get; set; } = 100;
}
