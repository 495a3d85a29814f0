namespace MeshInterop.Catalog;

/// <summary>
/// The thread-safe catalog of one mesh: the <see cref="Local"/> services its registry exports, and the
/// <see cref="Imports"/> view merged from every peer. Each is its own lineage of snapshots with its own change feed.
/// </summary>
public sealed class CatalogStore
{
    /// <summary>Initializes a new instance of the <see cref="CatalogStore"/> class, with both sides empty at revision 0.</summary>
    public CatalogStore()
    {
        Local = new CatalogPartition(nameof(Local));
        Imports = new CatalogPartition(nameof(Imports));
    }

    /// <summary>Gets the local catalog, written from the mesh registry's <see cref="ICatalogSource"/> and read by the export side.</summary>
    public CatalogPartition Local { get; }

    /// <summary>Gets the import view, written by the import view's merge of all peers and read by the <see cref="ICatalogSink"/>s.</summary>
    public CatalogPartition Imports { get; }
}
