using System.Diagnostics;

namespace MeshInterop.Protocol;

/// <summary>Telemetry names of the MeshInterop.Protocol package: the meter and activity source, and tag keys.</summary>
public static class ProtocolTelemetry
{
    /// <summary>The name of the package's <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="ActivitySource"/>.</summary>
    public const string Name = "MeshInterop.Protocol";

    /// <summary>The tag carrying a peer's configured name (a bounded set; service names are never tags).</summary>
    public const string PeerTag = "meshinterop.peer.name";

    /// <summary>The tag carrying the envelope (<c>v1alpha1</c> or <c>v1alpha2</c>).</summary>
    public const string EnvelopeTag = "meshinterop.hamlet.envelope";

    /// <summary>The tag carrying an operation (<c>create</c>, <c>update</c>, <c>delete</c>, <c>upsert</c>).</summary>
    public const string OperationTag = "meshinterop.hamlet.operation";

    /// <summary>The tag carrying a gRPC status code name.</summary>
    public const string StatusCodeTag = "rpc.grpc.status_code";

    internal static readonly ActivitySource Source = new(new ActivitySourceOptions(Name));
}
