using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;

namespace MeshInterop.Consul.Tests.Conformance;

// xUnit discovers only public test classes, and a public class cannot name an internal type as a generic argument.
// These public facades carry the implementations' own names (the conformance guard matches suites by that name) and
// forward every call unchanged, so the suites exercise the real, internal implementations.

/// <summary>Forwards to the internal <see cref="MeshInterop.Consul.Internal.Import.ConsulImportSink"/>.</summary>
public sealed class ConsulImportSink : ICatalogSink
{
    private readonly MeshInterop.Consul.Internal.Import.ConsulImportSink _inner;

    internal ConsulImportSink(MeshInterop.Consul.Internal.Import.ConsulImportSink inner) => _inner = inner;

    public Task ApplyAsync(CatalogDiff changes, CancellationToken cancellationToken) => _inner.ApplyAsync(changes, cancellationToken);

    public Task ReconcileAsync(CatalogSnapshot desired, CancellationToken cancellationToken) => _inner.ReconcileAsync(desired, cancellationToken);
}

/// <summary>Forwards to the internal <see cref="MeshInterop.Consul.Internal.Export.ConsulExportSource"/>.</summary>
public sealed class ConsulExportSource : ICatalogSource
{
    private readonly MeshInterop.Consul.Internal.Export.ConsulExportSource _inner;

    internal ConsulExportSource(MeshInterop.Consul.Internal.Export.ConsulExportSource inner) => _inner = inner;

    public IAsyncEnumerable<CatalogSourceUpdate> WatchAsync(CancellationToken cancellationToken) => _inner.WatchAsync(cancellationToken);
}
