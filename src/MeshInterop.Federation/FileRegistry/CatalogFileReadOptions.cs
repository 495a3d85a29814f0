using MeshInterop.Catalog.Validation;

namespace MeshInterop.Federation.FileRegistry;

/// <summary>How <see cref="CatalogFile"/> reads and checks a catalog file.</summary>
public sealed class CatalogFileReadOptions
{
    /// <summary>Gets or sets the rules each service must pass, checked by <see cref="CatalogEntryValidator"/>.</summary>
    /// <value>
    /// The default value is strict mode with the default limits: what a mesh exports should carry every field
    /// Hamlet v1alpha2 requires.
    /// </value>
    public CatalogValidationOptions Validation { get; set; } = new() { Mode = CatalogValidationMode.Strict };

    /// <summary>
    /// Gets or sets a value indicating whether services may carry an <c>origin</c> (the peer they were imported from),
    /// as the import files the file sink writes do. A registry file lists this mesh's own services only.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowImported { get; set; }
}
