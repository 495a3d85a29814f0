using MeshInterop.Catalog;
using MeshInterop.Federation.Leadership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshInterop.Federation;

/// <summary>Plugs a mesh registry and a leader elector into the federation agent.</summary>
public static class MeshFederationBuilderExtensions
{
    /// <summary>
    /// Uses <typeparamref name="TSource"/> as the registry this mesh exports from, replacing any source registered
    /// before (the embedded file registry included). Registered as a singleton.
    /// </summary>
    /// <typeparam name="TSource">The source type.</typeparam>
    /// <param name="builder">The federation builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IMeshFederationBuilder UseCatalogSource<TSource>(this IMeshFederationBuilder builder)
        where TSource : class, ICatalogSource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ICatalogSource, TSource>());
        return builder;
    }

    /// <summary>
    /// Uses <typeparamref name="TSink"/> as the registry this mesh's imports are written to, replacing any sink
    /// registered before. Registered as a singleton.
    /// </summary>
    /// <typeparam name="TSink">The sink type.</typeparam>
    /// <param name="builder">The federation builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IMeshFederationBuilder UseCatalogSink<TSink>(this IMeshFederationBuilder builder)
        where TSink : class, ICatalogSink
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ICatalogSink, TSink>());
        return builder;
    }

    /// <summary>
    /// Uses <typeparamref name="TElector"/> to choose which replica drives the consumers and writes to the sink,
    /// replacing the single-replica default. Registered as a singleton.
    /// </summary>
    /// <typeparam name="TElector">The elector type.</typeparam>
    /// <param name="builder">The federation builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IMeshFederationBuilder UseLeaderElector<TElector>(this IMeshFederationBuilder builder)
        where TElector : class, ILeaderElector
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ILeaderElector, TElector>());
        return builder;
    }
}
