namespace MeshInterop.Conformance;

/// <summary>
/// The timing bounds of a run. Every timing case states which bound it uses; the defaults follow the protocol
/// reference, and tests against fast in-process targets shorten them.
/// </summary>
public sealed class ConformanceTimingOptions
{
    /// <summary>Gets or sets T, the longest the kit waits for something the target must do (deliver, answer, end a stream).</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan DeliveryBound { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets Q, how long the kit watches for something the target must not do (send, end, retry early).</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long the kit waits for a retry that must not come after a fatal status (cases 6 and 8).</summary>
    /// <value>The default value is 10 seconds: ten times the 1 s base backoff (reference case 6).</value>
    public TimeSpan NoRetryWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the shortest first retry delay accepted after <c>Unavailable</c> (case 7).</summary>
    /// <value>The default value is 1 second (R14).</value>
    public TimeSpan MinimumFirstRetry { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long the kit gives a consumer to reconnect after a retryable end or a restart (cases 7 and 32).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RestartBound { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the interval of the kit's HTTP/2 keepalive pings on an idle stream (case 37, owner role).</summary>
    /// <value>The default value is 20 seconds, the Go reference client's interval.</value>
    public TimeSpan KeepAlivePingInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Gets or sets how long an idle stream must survive (case 37).</summary>
    /// <value>The default value is 90 seconds: past the 80 s after which a server striking 20 s pings kills the stream.</value>
    public TimeSpan KeepAliveObservation { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Gets or sets the shortest interval allowed between a consumer's HTTP/2 pings (case 37, consumer role).</summary>
    /// <value>The default value is 40 seconds, the Go reference server's minimum; pings sooner than that earn strikes and a GOAWAY there.</value>
    public TimeSpan MinimumClientPingInterval { get; set; } = TimeSpan.FromSeconds(40);

    /// <summary>Gets or sets the target owner's configured ACK timeout (case 18).</summary>
    /// <value>The default value is 30 seconds, the reference default (G12).</value>
    public TimeSpan TargetAckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the target consumer's grace period before it sweeps without the snapshot-count header (case 33).</summary>
    /// <value>The default value is 5 minutes, the reference default (G6).</value>
    public TimeSpan TargetGracePeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long one hook invocation may take.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan HookTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the most one case may take in all before it is reported as an error.</summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan CaseTimeout { get; set; } = TimeSpan.FromMinutes(10);

    internal void Validate()
    {
        Positive(DeliveryBound, nameof(DeliveryBound));
        Positive(QuietPeriod, nameof(QuietPeriod));
        Positive(NoRetryWindow, nameof(NoRetryWindow));
        Positive(RestartBound, nameof(RestartBound));
        Positive(KeepAlivePingInterval, nameof(KeepAlivePingInterval));
        Positive(KeepAliveObservation, nameof(KeepAliveObservation));
        Positive(TargetAckTimeout, nameof(TargetAckTimeout));
        Positive(TargetGracePeriod, nameof(TargetGracePeriod));
        Positive(HookTimeout, nameof(HookTimeout));
        Positive(MinimumClientPingInterval, nameof(MinimumClientPingInterval));
        Positive(CaseTimeout, nameof(CaseTimeout));
        if (MinimumFirstRetry < TimeSpan.Zero)
        {
            throw new ArgumentException($"Timing.{nameof(MinimumFirstRetry)} must not be negative.", nameof(MinimumFirstRetry));
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Timing.{name} must be positive; it is {value}.", name);
        }
    }
}
