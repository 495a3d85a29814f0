using MeshInterop.Catalog.Validation;

namespace MeshInterop.Federation.FileRegistry;

/// <summary>
/// The embedded file registry: this mesh's services from a JSON file the agent watches, and the import view written
/// to another. Bound from <see cref="SectionName"/>.
/// </summary>
public sealed class FileRegistryOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "MeshInterop:Federation:FileRegistry";

    /// <summary>
    /// Gets or sets the registry file listing this mesh's services. A relative path is relative to the host's
    /// content root (for <c>meshinterop agent</c>, the directory of the configuration file).
    /// </summary>
    /// <value>No default: the host does not start without it.</value>
    public string ServicesPath { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the file the import view is written to, replaced atomically on every change. A relative path is
    /// relative to the host's content root.
    /// </summary>
    /// <value>No default: the host does not start without it.</value>
    public string ImportsPath { get; set; } = string.Empty;

    /// <summary>Gets or sets how strictly each service of the registry file is checked.</summary>
    /// <value>
    /// The default value is <see cref="CatalogValidationMode.Strict"/>: every field Hamlet v1alpha2 requires,
    /// so peers never receive a service they would have to reject.
    /// </value>
    public CatalogValidationMode Validation { get; set; } = CatalogValidationMode.Strict;

    /// <summary>
    /// Gets or sets how often the registry file is read again even without a change notification. File system
    /// notifications can be lost (network file systems, a full event buffer); re-reading is cheap because unchanged
    /// content is recognised and ignored.
    /// </summary>
    /// <value>The default value is 5 seconds; from 100 milliseconds to 1 hour.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
