using Microsoft.AspNetCore.Builder;

namespace MeshInterop.Federation.Internal;

/// <summary>Applies a convention to every endpoint <c>MapMeshFederation()</c> mapped.</summary>
internal sealed class CompositeEndpointConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
{
    public void Add(Action<EndpointBuilder> convention)
    {
        foreach (var builder in builders)
            builder.Add(convention);
    }

    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        foreach (var builder in builders)
            builder.Finally(finallyConvention);
    }
}
