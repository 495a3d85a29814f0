using Microsoft.Extensions.DependencyInjection;

namespace MeshInterop.Federation.Internal;

/// <summary>The builder handed out by every <c>AddMeshFederation()</c> call on one service collection; its presence marks the registration.</summary>
internal sealed class MeshFederationBuilder(IServiceCollection services) : IMeshFederationBuilder
{
    public IServiceCollection Services { get; } = services;
}
