using System.Diagnostics.Metrics;

namespace MeshInterop.Catalog.Tests.Resync;

/// <summary>A hand-written <see cref="IMeterFactory"/> whose listener records every long measurement of its own meters.</summary>
internal sealed class RecordingMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, string? Unit, long Value, Dictionary<string, object?> Tags)> _measurements = [];

    public RecordingMeterFactory()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            lock (_meters)
            {
                if (_meters.Contains(instrument.Meter))
                    listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (_measurements)
                _measurements.Add((instrument.Name, instrument.Unit, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal)));
        });
        _listener.Start();
    }

    public IReadOnlyList<(string Instrument, string? Unit, long Value, Dictionary<string, object?> Tags)> Measurements(string instrument)
    {
        _listener.RecordObservableInstruments();
        lock (_measurements)
            return [.. _measurements.Where(m => m.Instrument == instrument)];
    }

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, this);
        lock (_meters)
            _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        _listener.Dispose();
        lock (_meters)
        {
            foreach (var meter in _meters)
                meter.Dispose();
        }
    }
}
