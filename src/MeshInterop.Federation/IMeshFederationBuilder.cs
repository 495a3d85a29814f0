using Microsoft.Extensions.DependencyInjection;

namespace MeshInterop.Federation;

/// <summary>
/// Configures the federation agent registered by <c>AddMeshFederation()</c>: which registry it exports from, where it
/// materialises imports and how its replicas elect a leader. Mesh adapters add their own extension methods
/// (<c>AddConsul…</c>, <c>AddIstio…</c>) on this interface.
/// </summary>
public interface IMeshFederationBuilder
{
    /// <summary>Gets the service collection the agent is registered in.</summary>
    IServiceCollection Services { get; }
}
