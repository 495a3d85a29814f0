using System.Diagnostics.Metrics;

namespace MeshInterop.Protocol.Internal;

/// <summary>The instruments of the MeshInterop.Protocol meter; names and units are documented in docs/protocol.md.</summary>
internal sealed class ProtocolMetrics
{
    private readonly Counter<long> _responsesSent;
    private readonly Counter<long> _nacksReceived;
    private readonly Counter<long> _unknownNonces;
    private readonly Histogram<double> _ackDuration;
    private readonly UpDownCounter<long> _ownerStreams;
    private readonly Counter<long> _changesApplied;
    private readonly Counter<long> _nacksSent;
    private readonly Counter<long> _reconnects;

    public ProtocolMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(new MeterOptions(ProtocolTelemetry.Name));
        _responsesSent = meter.CreateCounter<long>("meshinterop.protocol.owner.responses_sent", "{response}", "Responses an owner sent, by peer and operation.");
        _nacksReceived = meter.CreateCounter<long>("meshinterop.protocol.owner.nacks_received", "{nack}", "NACKs an owner received, by peer and status code.");
        _unknownNonces = meter.CreateCounter<long>("meshinterop.protocol.owner.unknown_nonces", "{answer}", "Answers an owner received whose nonce matched no outstanding response, by peer; they are ignored.");
        _ackDuration = meter.CreateHistogram<double>("meshinterop.protocol.owner.ack.duration", "s", "Time from sending a response to receiving its ACK.");
        _ownerStreams = meter.CreateUpDownCounter<long>("meshinterop.protocol.owner.streams", "{stream}", "Streams an owner is serving.");
        _changesApplied = meter.CreateCounter<long>("meshinterop.protocol.consumer.changes_applied", "{change}", "Responses a consumer applied and ACKed, by peer and operation.");
        _nacksSent = meter.CreateCounter<long>("meshinterop.protocol.consumer.nacks_sent", "{nack}", "Responses a consumer rejected, by peer and status code.");
        _reconnects = meter.CreateCounter<long>("meshinterop.protocol.consumer.reconnects", "{reconnect}", "Times a consumer dialled its owner again after a stream ended.");
    }

    public void ResponseSent(string peer, OwnerOperation operation) =>
        _responsesSent.Add(1, new(ProtocolTelemetry.PeerTag, peer), new(ProtocolTelemetry.OperationTag, Name(operation)));

    public void NackReceived(string peer, int code) =>
        _nacksReceived.Add(1, new(ProtocolTelemetry.PeerTag, peer), new(ProtocolTelemetry.StatusCodeTag, ((Grpc.Core.StatusCode)code).ToString()));

    public void UnknownNonce(string peer) => _unknownNonces.Add(1, new KeyValuePair<string, object?>(ProtocolTelemetry.PeerTag, peer));

    public void Acknowledged(string peer, TimeSpan latency) =>
        _ackDuration.Record(latency.TotalSeconds, new KeyValuePair<string, object?>(ProtocolTelemetry.PeerTag, peer));

    public void StreamOpened(string peer, string envelope) =>
        _ownerStreams.Add(1, new(ProtocolTelemetry.PeerTag, peer), new(ProtocolTelemetry.EnvelopeTag, envelope));

    public void StreamClosed(string peer, string envelope) =>
        _ownerStreams.Add(-1, new(ProtocolTelemetry.PeerTag, peer), new(ProtocolTelemetry.EnvelopeTag, envelope));

    public void ChangeApplied(string peer, ConsumerOperation operation) =>
        _changesApplied.Add(1, new(ProtocolTelemetry.PeerTag, peer), new(ProtocolTelemetry.OperationTag, operation == ConsumerOperation.Delete ? "delete" : "upsert"));

    public void NackSent(string peer, Grpc.Core.StatusCode code) =>
        _nacksSent.Add(1, new(ProtocolTelemetry.PeerTag, peer), new(ProtocolTelemetry.StatusCodeTag, code.ToString()));

    public void Reconnected(string peer) => _reconnects.Add(1, new KeyValuePair<string, object?>(ProtocolTelemetry.PeerTag, peer));

    private static string Name(OwnerOperation operation) => operation switch
    {
        OwnerOperation.Create => "create",
        OwnerOperation.Update => "update",
        _ => "delete",
    };
}
