using System.Diagnostics.Metrics;
using MeshInterop.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>What an owner did, as its metrics report it.</summary>
internal enum OwnerEventKind
{
    Sent,
    Acked,
    Nacked,
    UnknownNonce,
    StreamOpened,
    StreamClosed,
}

/// <summary>
/// Records the owner's sends and the answers it received in the order its stream loop reports them (each is
/// recorded synchronously on that loop), so a test can check flow control on the owner's side of a real stream
/// without timing anything. Pass <see cref="Meters"/> to the owner.
/// </summary>
internal sealed class OwnerEventLog : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<OwnerEventKind> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public OwnerEventLog()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Meters = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ProtocolTelemetry.Name && ReferenceEquals(instrument.Meter.Scope, Meters) && Kind(instrument.Name, 1) is not null)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Record(Kind(instrument.Name, value)));
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Record(Kind(instrument.Name, 1)));
        _listener.Start();
    }

    public IMeterFactory Meters { get; }

    public IReadOnlyList<OwnerEventKind> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public int Count(OwnerEventKind kind) => Events.Count(e => e == kind);

    /// <summary>The most responses that were ever sent and not yet answered at once.</summary>
    public int MaxOutstanding()
    {
        int outstanding = 0, max = 0;
        foreach (var e in Events)
        {
            outstanding += e switch { OwnerEventKind.Sent => 1, OwnerEventKind.Acked or OwnerEventKind.Nacked => -1, _ => 0 };
            max = Math.Max(max, outstanding);
        }

        return max;
    }

    public async Task WaitUntilAsync(Func<OwnerEventLog, bool> condition)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(bound.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"The owner did not reach the expected state within 60 s; events: {string.Join(", ", Events)}.");
            }
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private static OwnerEventKind? Kind(string instrument, long value) => instrument switch
    {
        "meshinterop.protocol.owner.responses_sent" => OwnerEventKind.Sent,
        "meshinterop.protocol.owner.ack.duration" => OwnerEventKind.Acked,
        "meshinterop.protocol.owner.nacks_received" => OwnerEventKind.Nacked,
        "meshinterop.protocol.owner.unknown_nonces" => OwnerEventKind.UnknownNonce,
        "meshinterop.protocol.owner.streams" => value > 0 ? OwnerEventKind.StreamOpened : OwnerEventKind.StreamClosed,
        _ => null,
    };

    private void Record(OwnerEventKind? kind)
    {
        if (kind is null)
        {
            return;
        }

        TaskCompletionSource changed;
        lock (_gate)
        {
            _events.Add(kind.Value);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
