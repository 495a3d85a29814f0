using MeshInterop.Federation;
using MeshInterop.Federation.Internal;
using MeshInterop.Protocol.Owner;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the federation agent's endpoints.</summary>
public static class MeshFederationEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the Hamlet services (v1alpha1 and v1alpha2 envelopes) serving this mesh's exports, this mesh's SPIFFE
    /// bundle endpoint at <see cref="MeshFederationOptions.BundleEndpointPath"/>, and the JSON status at
    /// <see cref="MeshFederationOptions.StatusPath"/>.
    /// <para/>
    /// The Hamlet services authorise each stream by the SPIFFE ID of its verified client certificate, so they only
    /// serve on a SPIFFE mTLS listener such as the one <c>ListenMeshFederation()</c> adds; elsewhere a stream ends with
    /// <c>Unauthenticated</c>. The bundle endpoint is public by design: serve it on a listener without client
    /// certificates (<see cref="MeshFederationOptions.BundleListenEndpoint"/>). The status never answers on the
    /// federation or bundle listeners; put it behind whatever protects the host's admin port.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <returns>A convention builder over every mapped endpoint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddMeshFederation()</c> was not called.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static IEndpointConventionBuilder MapMeshFederation(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var agent = endpoints.ServiceProvider.GetService<FederationAgent>()
            ?? throw new InvalidOperationException("Call services.AddMeshFederation() before app.MapMeshFederation().");
        var status = endpoints.ServiceProvider.GetRequiredService<IMeshFederationStatus>();
        return new CompositeEndpointConventionBuilder(
        [
            endpoints.MapGrpcService<HamletOwnerV1Alpha1Service>(),
            endpoints.MapGrpcService<HamletOwnerV1Alpha2Service>(),
            endpoints.MapSpiffeBundleEndpoint(agent.Options.BundleEndpointPath, agent.LocalBundle.Current),
            endpoints.MapMethods(agent.Options.StatusPath, [HttpMethods.Get], context => StatusDocument.WriteAsync(context, agent, status)),
        ]);
    }
}
