namespace MeshInterop.Istio.Import;

/// <summary>
/// A local Kubernetes Service as import-as-local needs it: the pods it selects and its named ports. The sink reads it
/// from the cluster; render mode takes it from its input.
/// </summary>
public sealed class IstioLocalService
{
    /// <summary>Gets the Service namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>Gets the Service name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the Service's pod selector; WorkloadEntries for peer endpoints carry these labels.</summary>
    /// <value>Empty by default (a Service without selector cannot aggregate peer endpoints).</value>
    public IReadOnlyDictionary<string, string> Selector { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the Service port names by port number.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyDictionary<int, string> PortNames { get; init; } = new Dictionary<int, string>();
}
