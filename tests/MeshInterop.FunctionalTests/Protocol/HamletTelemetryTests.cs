using System.Diagnostics.Metrics;
using MeshInterop.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace MeshInterop.FunctionalTests.Protocol;

public sealed class HamletTelemetryTests
{
    [Fact]
    public async Task ack_after_handler_completes()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var acks = new MetricCollector<double>(meters, ProtocolTelemetry.Name, "meshinterop.protocol.owner.ack.duration");
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes(), meterFactory: meters);
        owner.Store.Local.Publish([SampleServices.Service("web")]);
        await using var consumer = new ConsumerSide(owner.Address, scripted: true);
        consumer.Scripted.Close();

        await consumer.StartAsync();
        await consumer.Scripted.UpsertArrived.Task.WaitAsync(TestContext.Current.CancellationToken);

        // The handler holds the change: the owner must not have its ACK yet.
        Assert.Empty(acks.GetMeasurementSnapshot());
        consumer.Scripted.Open();
        await acks.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
        Assert.Equal(["web"], consumer.Imports.Keys.Select(k => k.Name));
    }

    [Fact]
    public async Task Metrics_CountResponsesAcksAndAppliedChanges_WithTheirUnits()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var sent = new MetricCollector<long>(meters, ProtocolTelemetry.Name, "meshinterop.protocol.owner.responses_sent");
        using var ackDuration = new MetricCollector<double>(meters, ProtocolTelemetry.Name, "meshinterop.protocol.owner.ack.duration");
        using var applied = new MetricCollector<long>(meters, ProtocolTelemetry.Name, "meshinterop.protocol.consumer.changes_applied");
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes(), meterFactory: meters);
        owner.Store.Local.Publish(SampleServices.Many(4));
        await using var consumer = new ConsumerSide(owner.Address, meterFactory: meters);

        await consumer.StartAsync();
        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);
        await ackDuration.WaitForMeasurementsAsync(4, TimeSpan.FromSeconds(30));

        Assert.Equal(4, sent.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(4, applied.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal("{response}", sent.Instrument!.Unit);
        Assert.Equal("s", ackDuration.Instrument!.Unit);
        Assert.All(sent.GetMeasurementSnapshot(), m => Assert.Equal("consumer", m.Tags[ProtocolTelemetry.PeerTag]));
    }
}
