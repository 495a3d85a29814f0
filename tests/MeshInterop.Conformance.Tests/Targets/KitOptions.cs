using MeshInterop.Conformance.Hooks;
using MeshInterop.Identity.Bundles;
using MeshInterop.Protocol;

namespace MeshInterop.Conformance.Tests.Targets;

/// <summary>Runner options for in-process targets on loopback: the right PKI side for the role, and short, stated bounds.</summary>
internal static class KitOptions
{
    /// <summary>How long the consumer target waits before sweeping without the snapshot-count header.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(1);

    /// <summary>The owner target's ACK timeout (the engine's minimum).</summary>
    public static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The kit dials an owner as the consumer agent and expects the owner agent.</summary>
    public static ConformanceRunnerOptions ForOwner(Uri target, HamletEnvelope envelope, IConformanceHook hook, ConformanceCapabilities capabilities)
    {
        var options = Base(envelope, hook, capabilities);
        options.Target = target;
        options.Tls.Identity = KitPki.Svid(KitPki.Consumer, KitPki.ConsumerAgent);
        options.Tls.Bundles = BundleSet.Empty.With(KitPki.OwnerBundle);
        options.Tls.ExpectedTargetId = KitPki.OwnerAgent;
        options.Tls.ForeignTrustDomainIdentity = KitPki.Foreign(KitPki.Consumer);
        return options;
    }

    /// <summary>The kit serves a consumer as the owner agent and expects the consumer agent.</summary>
    public static ConformanceRunnerOptions ForConsumer(HamletEnvelope envelope, IConformanceHook hook, ConformanceCapabilities capabilities)
    {
        var options = Base(envelope, hook, capabilities);
        options.Role = ConformanceRole.Consumer;
        options.Tls.Identity = KitPki.Svid(KitPki.Owner, KitPki.OwnerAgent);
        options.Tls.Bundles = BundleSet.Empty.With(KitPki.ConsumerBundle);
        options.Tls.ExpectedTargetId = KitPki.ConsumerAgent;
        options.Tls.ForeignTrustDomainIdentity = KitPki.Foreign(KitPki.Owner);
        return options;
    }

    private static ConformanceRunnerOptions Base(HamletEnvelope envelope, IConformanceHook hook, ConformanceCapabilities capabilities)
    {
        var options = new ConformanceRunnerOptions { Envelope = envelope, Hook = hook, Capabilities = capabilities };
        var timing = options.Timing;
        timing.DeliveryBound = TimeSpan.FromSeconds(5);
        timing.QuietPeriod = TimeSpan.FromMilliseconds(300);
        timing.NoRetryWindow = TimeSpan.FromSeconds(1.5);
        timing.RestartBound = TimeSpan.FromSeconds(10);
        timing.KeepAlivePingInterval = TimeSpan.FromSeconds(1);
        timing.KeepAliveObservation = TimeSpan.FromSeconds(2.5);
        timing.TargetAckTimeout = AckTimeout;
        timing.TargetGracePeriod = GracePeriod;
        timing.HookTimeout = TimeSpan.FromSeconds(10);
        timing.CaseTimeout = TimeSpan.FromSeconds(60);
        return options;
    }
}
