using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Import;

/// <summary>What render mode needs that apply mode learns from the cluster.</summary>
public sealed class IstioRenderOptions
{
    /// <summary>Gets or sets the API version every kind is written in (render mode has no discovery).</summary>
    /// <value>The default value is <see cref="IstioApiVersion.V1"/>.</value>
    public IstioApiVersion ApiVersion { get; set; } = IstioApiVersion.V1;

    /// <summary>Gets or sets the catalog revision recorded on the objects.</summary>
    /// <value>The default value is 0.</value>
    public long Revision { get; set; }

    /// <summary>Gets or sets the CRD schemas of the target Istio release; without them only the webhook rules are checked, and the result says so.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public CrdSchemaSet? Schemas { get; set; }

    /// <summary>Gets the local Kubernetes Services that import hosts may name (for import-as-local, and to refuse collisions).</summary>
    /// <value>Empty by default.</value>
    public IList<IstioLocalService> LocalServices { get; } = [];
}
