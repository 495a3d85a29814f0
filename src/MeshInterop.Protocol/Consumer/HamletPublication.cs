using System.ComponentModel.DataAnnotations;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Export;

namespace MeshInterop.Protocol.Consumer;

/// <summary>
/// What a consumer publishes back to its owner on a symmetric v1alpha2 stream (opt-in, reference G23): once the owner
/// has subscribed on the stream, the consumer sends its own exported catalog, filtered for that owner, as UPSERT and
/// DELETE frames with the stream's <c>context</c>, one response in flight at a time (spec behaviour: the MeshInterop
/// extensions apply only to what the server publishes).
/// </summary>
/// <param name="catalog">The catalog partition to publish (normally the local catalog).</param>
/// <param name="exports">What the owner may see of it.</param>
public sealed class HamletPublication(CatalogPartition catalog, ExportFilter exports)
{
    /// <summary>Gets the catalog partition to publish.</summary>
    public CatalogPartition Catalog { get; } = catalog ?? throw new ArgumentNullException(nameof(catalog));

    /// <summary>Gets what the owner may see of it.</summary>
    public ExportFilter Exports { get; } = exports ?? throw new ArgumentNullException(nameof(exports));

    /// <summary>Gets or sets how long the consumer waits for the owner's answer to a published response before ending the stream with <c>Unavailable</c>.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
