using MeshInterop.Catalog;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.Samples.FederationDemo;

/// <summary>An import handler that keeps nothing, for the stranger who never gets that far.</summary>
internal sealed class NoImports : IHamletImportHandler
{
    public static readonly NoImports Instance = new();

    public ValueTask BeginSubscriptionAsync(string peer, long? announcedSnapshotCount, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask UpsertAsync(string peer, CatalogEntry entry, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DeleteAsync(string peer, ServiceKey key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask MarkAssertedAsync(string peer, ServiceKey key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisconnectedAsync(string peer, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask PurgeAsync(string peer, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
