using MeshInterop.Federation;
using MeshInterop.Federation.FileRegistry;
using MeshInterop.Federation.FileRegistry.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs the embedded file registry into the federation agent.</summary>
public static class FileRegistryMeshFederationBuilderExtensions
{
    /// <summary>
    /// Uses the embedded file registry: this mesh's services are read from a JSON file that is watched for changes,
    /// and the import view is written to another JSON file, atomically. Replaces any source and sink registered
    /// before. Options bind from <see cref="FileRegistryOptions.SectionName"/> and are validated at start-up.
    /// </summary>
    /// <param name="builder">The federation builder.</param>
    /// <param name="configure">Sets options after configuration binding; <see langword="null"/> to use configuration only.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMeshFederationBuilder UseFileRegistry(this IMeshFederationBuilder builder, Action<FileRegistryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<FileRegistryOptions>().BindConfiguration(FileRegistryOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileRegistryOptions>, FileRegistryOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        return builder.UseCatalogSource<FileCatalogSource>().UseCatalogSink<FileCatalogSink>();
    }
}
