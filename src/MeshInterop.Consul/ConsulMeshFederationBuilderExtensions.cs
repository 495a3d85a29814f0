using MeshInterop.Catalog;
using MeshInterop.Consul;
using MeshInterop.Consul.Internal;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Internal.Export;
using MeshInterop.Consul.Internal.Hosting;
using MeshInterop.Consul.Internal.Import;
using MeshInterop.Consul.Internal.Leadership;
using MeshInterop.Consul.Telemetry;
using MeshInterop.Federation;
using MeshInterop.Federation.Leadership;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes a Consul datacenter a member of the federation: its exports, its imports and its leader election.</summary>
public static class ConsulMeshFederationBuilderExtensions
{
    private const string HttpClientName = "MeshInterop.Consul";

    /// <summary>
    /// Uses Consul for everything the agent needs from its mesh: the services the datacenter exports
    /// (<see cref="AddConsulSource"/>), the imports it holds (<see cref="AddConsulSink"/>) and the election of the one replica
    /// that writes them (<see cref="AddConsulLeaderElection"/>). The Consul HTTP API is configured by
    /// <see cref="ConsulClientOptions"/> (section <see cref="ConsulClientOptions.SectionName"/>), then <paramref name="configure"/>.
    /// Every option is validated when the host starts; a failure lists every problem with its configuration path.
    /// </summary>
    /// <param name="builder">The federation builder.</param>
    /// <param name="configure">Adjusts the client options after configuration binding; <see langword="null"/> to use configuration only.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMeshFederationBuilder AddConsul(this IMeshFederationBuilder builder, Action<ConsulClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddConsulClient(builder.Services, configure);
        return builder.AddConsulSource().AddConsulSink().AddConsulLeaderElection();
    }

    /// <summary>
    /// Uses the Consul datacenter's exports as the agent's catalog source, selected and described by
    /// <see cref="ConsulExportOptions"/> (section <see cref="ConsulExportOptions.SectionName"/>, then <paramref name="configure"/>).
    /// Replaces any source registered before.
    /// </summary>
    /// <param name="builder">The federation builder.</param>
    /// <param name="configure">Adjusts the export options after configuration binding.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMeshFederationBuilder AddConsulSource(this IMeshFederationBuilder builder, Action<ConsulExportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = AddConsulClient(builder.Services, null);
        AddValidatedOptions(services, ConsulExportOptions.SectionName, configure);
        services.TryAddSingleton(sp => new ConsulExportSource(sp.GetRequiredService<ConsulHttpClient>(), sp.GetRequiredService<IOptions<ConsulExportOptions>>().Value,
            sp.GetRequiredService<ConsulMetrics>(), sp.GetRequiredService<ILogger<ConsulExportSource>>()));
        services.Replace(ServiceDescriptor.Singleton<ICatalogSource>(sp => sp.GetRequiredService<ConsulExportSource>()));
        return builder;
    }

    /// <summary>
    /// Writes the agent's imports into Consul, configured by <see cref="ConsulImportOptions"/> (section
    /// <see cref="ConsulImportOptions.SectionName"/>, then <paramref name="configure"/>; <see cref="ConsulImportOptions.OwnerId"/> is
    /// required). Replaces any sink registered before. Also registers the periodic reconciliation (active while this replica
    /// holds the Consul leader lock) and the <c>meshinterop-consul-import</c> health check.
    /// </summary>
    /// <param name="builder">The federation builder.</param>
    /// <param name="configure">Adjusts the import options after configuration binding.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMeshFederationBuilder AddConsulSink(this IMeshFederationBuilder builder, Action<ConsulImportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = AddConsulClient(builder.Services, null);
        var first = !services.Any(d => d.ServiceType == typeof(ConsulImportSink));
        AddValidatedOptions(services, ConsulImportOptions.SectionName, configure);
        services.TryAddSingleton(sp => new ConsulImportConfigWriter(sp.GetRequiredService<ConsulHttpClient>(), sp.GetRequiredService<IOptions<ConsulImportOptions>>().Value,
            sp.GetRequiredService<ILogger<ConsulImportConfigWriter>>()));
        services.TryAddSingleton(sp =>
        {
            var writer = sp.GetRequiredService<ConsulImportConfigWriter>();
            return new ConsulImportSink(sp.GetRequiredService<ConsulHttpClient>(), sp.GetRequiredService<IOptions<ConsulImportOptions>>().Value,
                sp.GetRequiredService<ConsulMetrics>(), sp.GetRequiredService<ILogger<ConsulImportSink>>(), writer.IsEnabled ? writer : null);
        });
        services.Replace(ServiceDescriptor.Singleton<ICatalogSink>(sp => sp.GetRequiredService<ConsulImportSink>()));
        if (first)
        {
            services.AddSingleton<IHostedService, ConsulImportRepairService>();
            services.AddHealthChecks().AddCheck<ConsulImportHealthCheck>(ConsulImportHealthCheck.Name, tags: ["meshinterop", "consul"]);
        }

        return builder;
    }

    /// <summary>
    /// Elects the replica that writes imports with a Consul session lock on a KV key, configured by
    /// <see cref="ConsulLeaderElectionOptions"/> (section <see cref="ConsulLeaderElectionOptions.SectionName"/>, then
    /// <paramref name="configure"/>): one active writer per owner ID. Replaces any elector registered before.
    /// </summary>
    /// <param name="builder">The federation builder.</param>
    /// <param name="configure">Adjusts the election options after configuration binding.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMeshFederationBuilder AddConsulLeaderElection(this IMeshFederationBuilder builder, Action<ConsulLeaderElectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = AddConsulClient(builder.Services, null);
        AddValidatedOptions(services, ConsulLeaderElectionOptions.SectionName, configure);
        services.AddOptions<ConsulImportOptions>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ConsulLeaderElectionOptions>>().Value;
            var key = ConsulLeaderElectionOptionsValidation.KeyOf(options, sp.GetRequiredService<IOptions<ConsulImportOptions>>().Value);
            return new ConsulLeaderElector(new ConsulSessionLock(sp.GetRequiredService<ConsulHttpClient>(), key, options.HolderName ?? Environment.MachineName,
                options.SessionTtl, options.LockDelay, sp.GetRequiredService<ILogger<ConsulSessionLock>>()));
        });
        services.Replace(ServiceDescriptor.Singleton<ILeaderElector>(sp => sp.GetRequiredService<ConsulLeaderElector>()));
        return builder;
    }

    private static void AddValidatedOptions<TOptions>(IServiceCollection services, string section, Action<TOptions>? configure)
        where TOptions : class
    {
        Bind<TOptions>(services, section);
        var validator = typeof(TOptions) == typeof(ConsulLeaderElectionOptions) ? typeof(ConsulLeaderElectionOptionsValidation) : typeof(ConsulOptionsValidation);
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IValidateOptions<TOptions>), validator));
        if (configure is not null)
        {
            services.Configure(configure);
        }
    }

    /// <summary>
    /// Binds the section of the host's configuration, when there is one, once per options type (so that a later call does not
    /// bind again over an earlier <c>configure</c>), and validates the options when the host starts.
    /// </summary>
    private static void Bind<TOptions>(IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddOptions<TOptions>().ValidateOnStart();
        if (!services.Any(d => d.ServiceType == typeof(OptionsBinding<TOptions>)))
        {
            services.AddSingleton(new OptionsBinding<TOptions>());
            services.AddSingleton<IConfigureOptions<TOptions>>(sp => new ConfigureOptions<TOptions>(
                options => sp.GetService<IConfiguration>()?.GetSection(section).Bind(options)));
        }
    }

    /// <summary>Marks that the configuration binding of <typeparamref name="TOptions"/> is registered.</summary>
    private sealed class OptionsBinding<TOptions>;

    /// <summary>The typed client, once: from <c>IHttpClientFactory</c>, with the pinned-CA handler and an infinite timeout (each request has its own deadline).</summary>
    private static IServiceCollection AddConsulClient(IServiceCollection services, Action<ConsulClientOptions>? configure)
    {
        if (!services.Any(d => d.ServiceType == typeof(ConsulHttpClient)))
        {
            Bind<ConsulClientOptions>(services, ConsulClientOptions.SectionName);
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsulClientOptions>, ConsulClientOptionsValidator>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsulClientOptions>, ConsulClientOptionsRulesValidator>());
            services.AddLogging();
            services.AddMetrics();
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<ConsulMetrics>();
            services.AddHttpClient(HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(sp => ConsulHttpHandlerFactory.Create(sp.GetRequiredService<IOptions<ConsulClientOptions>>().Value))
                .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan);      // one long-lived client: its watches hold pooled connections
            services.TryAddSingleton(sp => new ConsulHttpClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
                sp.GetRequiredService<IOptions<ConsulClientOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ConsulMetrics>(),
                sp.GetRequiredService<ILogger<ConsulHttpClient>>()));
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }
}
