namespace MeshInterop.Catalog.Import;

/// <summary>Telemetry names of the import view and its resync sessions: the package meter and tag keys.</summary>
public static class ImportTelemetry
{
    /// <summary>The name of the MeshInterop.Catalog <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "MeshInterop.Catalog";

    /// <summary>The tag carrying the peer name (a bounded set: configured peers only).</summary>
    public const string PeerTag = "meshinterop.peer";

    /// <summary>The tag carrying how a resync ended: <c>announced</c>, <c>grace_period</c> or <c>abandoned</c>.</summary>
    public const string OutcomeTag = "meshinterop.outcome";
}
