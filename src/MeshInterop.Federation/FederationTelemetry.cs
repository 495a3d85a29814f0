namespace MeshInterop.Federation;

/// <summary>
/// Names of the federation agent's telemetry: the meter and activity source (pass <see cref="Name"/> to
/// OpenTelemetry's <c>AddMeter</c> and <c>AddSource</c>) and the tag keys its instruments use.
/// </summary>
public static class FederationTelemetry
{
    /// <summary>The name of the meter and of the activity source: <c>MeshInterop.Federation</c>.</summary>
    public const string Name = "MeshInterop.Federation";

    /// <summary>The tag that names a peer.</summary>
    public const string PeerTag = "meshinterop.peer.name";

    /// <summary>The tag that names a sink operation: <c>apply</c> or <c>reconcile</c>.</summary>
    public const string SinkOperationTag = "meshinterop.sink.operation";

    /// <summary>The tag that says how an operation ended: <c>success</c>, <c>failure</c> or <c>leadership_lost</c>.</summary>
    public const string OutcomeTag = "meshinterop.outcome";

    /// <summary>The tag that names the kind of a change: <c>added</c>, <c>updated</c> or <c>removed</c>.</summary>
    public const string ChangeKindTag = "meshinterop.change.kind";
}
