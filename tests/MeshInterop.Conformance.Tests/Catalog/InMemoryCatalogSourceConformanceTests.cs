using MeshInterop.Catalog;
using MeshInterop.Catalog.InMemory;
using MeshInterop.Conformance.Catalog;

namespace MeshInterop.Conformance.Tests.Catalog;

/// <summary>The source suite against the in-memory source, sending its initial state as one full state.</summary>
public class InMemoryCatalogSourceConformanceTests : CatalogSourceConformanceTests<InMemoryCatalogSource>
{
    private InMemoryCatalogSource? _source;

    protected InMemoryCatalogSource Source => _source ?? throw new InvalidOperationException("The suite creates the source first.");

    protected virtual InMemoryCatalogSource NewSource() => new();

    protected override Task<InMemoryCatalogSource> CreateSourceAsync(IReadOnlyList<CatalogEntry> entries, CancellationToken cancellationToken)
    {
        _source = NewSource();
        _source.Publish(entries);
        return Task.FromResult(_source);
    }

    protected override Task AddOrUpdateAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        Source.Update([entry], []);
        return Task.CompletedTask;
    }

    protected override Task RemoveAsync(ServiceKey key, CancellationToken cancellationToken)
    {
        Source.Update([], [key]);
        return Task.CompletedTask;
    }
}

/// <summary>The source suite against the in-memory source, sending its initial state in pages of two.</summary>
public sealed class InMemoryCatalogSourcePagedConformanceTests : InMemoryCatalogSourceConformanceTests
{
    protected override InMemoryCatalogSource NewSource() => new() { InitialStatePageSize = 2 };
}
