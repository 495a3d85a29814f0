using System.Net;
using MeshInterop.Federation;
using MeshInterop.Federation.Internal;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Adds the federation agent's listeners to Kestrel.</summary>
public static class MeshFederationKestrelServerOptionsExtensions
{
    /// <summary>
    /// Listens on <see cref="MeshFederationOptions.ListenEndpoint"/> with HTTP/2 over SPIFFE mTLS: the agent's SVID,
    /// client certificates required, each verified against the bundle of its own trust domain and admitted only if it
    /// belongs to a configured peer's trust domain. When <see cref="MeshFederationOptions.BundleListenEndpoint"/> is
    /// set, also listens there with server-only TLS (the <c>https_spiffe</c> bundle endpoint profile).
    /// <para/>
    /// Call it from <c>builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenMeshFederation())</c>, and add the
    /// host's other listeners (for example an admin port for health and status) there too: once a listener is
    /// configured in code, Kestrel ignores <c>ASPNETCORE_URLS</c>.
    /// </summary>
    /// <param name="kestrel">The Kestrel options.</param>
    /// <returns><paramref name="kestrel"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="kestrel"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddMeshFederation()</c> was not called.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static KestrelServerOptions ListenMeshFederation(this KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        var agent = kestrel.ApplicationServices.GetService<FederationAgent>()
            ?? throw new InvalidOperationException("Call services.AddMeshFederation() before ListenMeshFederation().");
        kestrel.Listen(IPEndPoint.Parse(agent.Options.ListenEndpoint), listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseSpiffeMtls(agent.ServerTls);
            MarkAgentListener(listen);
        });
        if (agent.Options.BundleListenEndpoint is { } bundle)
        {
            kestrel.Listen(IPEndPoint.Parse(bundle), listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseSpiffeServerTls(agent.Svids);
                MarkAgentListener(listen);
            });
        }

        return kestrel;
    }

    // Peers reach these listeners; the status endpoint refuses connections marked here.
    private static void MarkAgentListener(ListenOptions listen) => listen.Use(next => connection =>
    {
        connection.Items[StatusDocument.AgentListenerItem] = true;
        return next(connection);
    });
}
