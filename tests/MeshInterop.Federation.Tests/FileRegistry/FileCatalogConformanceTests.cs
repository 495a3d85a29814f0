using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;
using MeshInterop.Conformance.Catalog;
using MeshInterop.Federation.FileRegistry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MeshInterop.Federation.Tests.FileRegistry;

/// <summary>The shared source suite against the file source, with a real file changed the way tools change it.</summary>
public sealed class FileCatalogSourceConformanceTests : CatalogSourceConformanceTests<FileCatalogSource>, IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly SortedDictionary<ServiceKey, CatalogEntry> _registry = [];

    private string RegistryPath => _directory.File("registry.json");

    public void Dispose() => _directory.Dispose();

    protected override async Task<FileCatalogSource> CreateSourceAsync(IReadOnlyList<CatalogEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            _registry[entry.Key] = entry;
        }

        await WriteAsync(cancellationToken);

        // The suite's services carry no SANs or instances, which only strict mode requires.
        var options = new FileRegistryOptions { ServicesPath = RegistryPath, ImportsPath = _directory.File("imports.json"), Validation = CatalogValidationMode.Lenient };
        return new FileCatalogSource(Options.Create(options), TimeProvider.System, NullLogger<FileCatalogSource>.Instance);
    }

    protected override Task AddOrUpdateAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        _registry[entry.Key] = entry;
        return WriteAsync(cancellationToken);
    }

    protected override Task RemoveAsync(ServiceKey key, CancellationToken cancellationToken)
    {
        _registry.Remove(key);
        return WriteAsync(cancellationToken);
    }

    private Task WriteAsync(CancellationToken cancellationToken) => CatalogFile.WriteAsync(RegistryPath, _registry.Values, cancellationToken);
}

/// <summary>The shared sink suite against the file sink, reading back the file it wrote.</summary>
public sealed class FileCatalogSinkConformanceTests : CatalogSinkConformanceTests<FileCatalogSink>, IDisposable
{
    private static readonly CatalogFileReadOptions ImportsFile = new()
    {
        Validation = new CatalogValidationOptions { Mode = CatalogValidationMode.Lenient },
        AllowImported = true,
    };

    private readonly TemporaryDirectory _directory = new();
    private FileCatalogSink? _sink;

    // The imports file belongs to the sink alone: the registry has no services of its own there.
    protected override bool SupportsUnmanagedEntries => false;

    private string ImportsPath => _directory.File("imports.json");

    public void Dispose()
    {
        _sink?.Dispose();
        _directory.Dispose();
    }

    protected override Task<FileCatalogSink> CreateSinkAsync(CancellationToken cancellationToken)
    {
        var options = new FileRegistryOptions { ServicesPath = _directory.File("registry.json"), ImportsPath = ImportsPath };
        _sink = new FileCatalogSink(Options.Create(options), NullLogger<FileCatalogSink>.Instance);
        return Task.FromResult(_sink);
    }

    protected override async Task<IReadOnlyCollection<CatalogEntry>> ReadManagedEntriesAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(ImportsPath))
        {
            return [];
        }

        var result = await CatalogFile.ReadAsync(ImportsPath, ImportsFile, cancellationToken);
        result.ThrowIfInvalid();
        return result.Entries;
    }
}
