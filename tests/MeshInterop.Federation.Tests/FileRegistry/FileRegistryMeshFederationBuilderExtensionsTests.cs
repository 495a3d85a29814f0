using MeshInterop.Catalog;
using MeshInterop.Federation.FileRegistry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MeshInterop.Federation.Tests.FileRegistry;

public sealed class FileRegistryMeshFederationBuilderExtensionsTests
{
    [Fact]
    public void UseFileRegistry_NullBuilder_ThrowsWithParamName()
    {
        IMeshFederationBuilder builder = null!;

        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => builder.UseFileRegistry()).ParamName);
    }

    [Fact]
    public void UseFileRegistry_FromConfiguration_RegistersTheFileSourceAndSinkWithPathsUnderTheContentRoot()
    {
        using var provider = Build(
            new()
            {
                ["MeshInterop:Federation:FileRegistry:ServicesPath"] = "registry.json",
                ["MeshInterop:Federation:FileRegistry:ImportsPath"] = "/var/lib/mesh/imports.json",
                ["MeshInterop:Federation:FileRegistry:PollInterval"] = "00:00:30",
            },
            contentRoot: "/etc/mesh");

        var source = Assert.IsType<FileCatalogSource>(provider.GetRequiredService<ICatalogSource>());
        var sink = Assert.IsType<FileCatalogSink>(provider.GetRequiredService<ICatalogSink>());

        Assert.Equal(Path.GetFullPath("/etc/mesh/registry.json"), source.Path);
        Assert.Equal(Path.GetFullPath("/var/lib/mesh/imports.json"), sink.Path);
        Assert.Equal(TimeSpan.FromSeconds(30), provider.GetRequiredService<IOptions<FileRegistryOptions>>().Value.PollInterval);
    }

    [Fact]
    public void UseFileRegistry_Configure_OverridesConfiguration()
    {
        using var provider = Build(
            new() { ["MeshInterop:Federation:FileRegistry:ServicesPath"] = "from-config.json" },
            configure: o =>
            {
                o.ServicesPath = "/srv/registry.json";
                o.ImportsPath = "/srv/imports.json";
            });

        Assert.Equal("/srv/registry.json", provider.GetRequiredService<IOptions<FileRegistryOptions>>().Value.ServicesPath);
    }

    [Fact]
    public void UseFileRegistry_InvalidOptions_FailWithEveryConfigurationPath()
    {
        using var provider = Build(new()
        {
            ["MeshInterop:Federation:FileRegistry:ServicesPath"] = "/srv/same.json",
            ["MeshInterop:Federation:FileRegistry:ImportsPath"] = "/srv/same.json",
            ["MeshInterop:Federation:FileRegistry:PollInterval"] = "00:00:00.010",
        });

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FileRegistryOptions>>().Value);

        Assert.Equal(2, exception.Failures.Count());
        Assert.Contains(exception.Failures, f => f.Contains("MeshInterop:Federation:FileRegistry:ImportsPath", StringComparison.Ordinal) && f.Contains("names the registry file", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.Contains("MeshInterop:Federation:FileRegistry:PollInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void UseFileRegistry_MissingPaths_NameBothKeys()
    {
        using var provider = Build([]);

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FileRegistryOptions>>().Value);

        Assert.Contains(exception.Failures, f => f.Contains("MeshInterop:Federation:FileRegistry:ServicesPath", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.Contains("MeshInterop:Federation:FileRegistry:ImportsPath", StringComparison.Ordinal));
    }

    [Fact]
    public void UseFileRegistry_CalledTwice_RegistersOneSourceAndOneSink()
    {
        var services = new ServiceCollection();
        var builder = new TestFederationBuilder(services);

        builder.UseFileRegistry().UseFileRegistry();

        Assert.Single(services, d => d.ServiceType == typeof(ICatalogSource));
        Assert.Single(services, d => d.ServiceType == typeof(ICatalogSink));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<FileRegistryOptions>));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, string? contentRoot = null, Action<FileRegistryOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        if (contentRoot is not null)
        {
            services.AddSingleton<IHostEnvironment>(new TestHostEnvironment(contentRoot));
        }

        new TestFederationBuilder(services).UseFileRegistry(configure);
        return services.BuildServiceProvider();
    }

    private sealed record TestFederationBuilder(IServiceCollection Services) : IMeshFederationBuilder;

    private sealed class TestHostEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "Test";

        public string ContentRootPath { get; set; } = contentRoot;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
