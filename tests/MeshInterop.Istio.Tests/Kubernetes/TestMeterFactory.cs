using System.Diagnostics.Metrics;

namespace MeshInterop.Istio.Tests.Kubernetes;

/// <summary>A hand-written <see cref="IMeterFactory"/> with a listener that records every measurement of its meters.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, string? Unit, long Value, Dictionary<string, object?> Tags)> _measurements = [];

    public TestMeterFactory()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (_measurements)
                _measurements.Add((instrument.Name, instrument.Unit, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal)));
        });
        _listener.Start();
    }

    public IReadOnlyList<(string Instrument, string? Unit, long Value, Dictionary<string, object?> Tags)> Measurements
    {
        get
        {
            lock (_measurements)
                return [.. _measurements];
        }
    }

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        _listener.Dispose();
        foreach (var meter in _meters)
            meter.Dispose();
    }
}
