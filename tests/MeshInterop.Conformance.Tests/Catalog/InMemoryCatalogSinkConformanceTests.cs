using MeshInterop.Catalog;
using MeshInterop.Catalog.InMemory;
using MeshInterop.Conformance.Catalog;

namespace MeshInterop.Conformance.Tests.Catalog;

/// <summary>The sink suite against the in-memory sink, read back through <see cref="InMemoryCatalogSink.Current"/>.</summary>
public sealed class InMemoryCatalogSinkConformanceTests : CatalogSinkConformanceTests<InMemoryCatalogSink>
{
    private InMemoryCatalogSink? _sink;

    // The in-memory sink is its own registry and holds imports only.
    protected override bool SupportsUnmanagedEntries => false;

    protected override Task<InMemoryCatalogSink> CreateSinkAsync(CancellationToken cancellationToken)
    {
        _sink = new InMemoryCatalogSink();
        return Task.FromResult(_sink);
    }

    protected override Task<IReadOnlyCollection<CatalogEntry>> ReadManagedEntriesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyCollection<CatalogEntry>>([.. _sink!.Current]);
}
