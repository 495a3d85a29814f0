using MeshInterop.Conformance.Tests.Targets;
using MeshInterop.Protocol;
using MeshInterop.Protocol.Owner;

namespace MeshInterop.Conformance.Tests;

/// <summary>One run of the whole kit against one of MeshInterop's own engines, shared by the per-case tests of a class.</summary>
public abstract class ConformanceRun : IAsyncLifetime
{
    /// <summary>What MeshInterop's engines claim: every extension, a hook for everything, trust-domain pinning.</summary>
    internal const ConformanceCapabilities Claimed = ConformanceCapabilities.Mutation | ConformanceCapabilities.GracefulStop
        | ConformanceCapabilities.ConsumerControl | ConformanceCapabilities.Window | ConformanceCapabilities.SnapshotCount
        | ConformanceCapabilities.TrustDomainPinning;

    private IAsyncDisposable? _target;

    internal ConformanceReport Report { get; private set; } = null!;

    internal ConformanceRunner Runner { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        (var options, _target) = await CreateAsync();
        Runner = new ConformanceRunner(options);
        Report = await Runner.RunAsync(null, TestContext.Current.CancellationToken);

        // Kept beside the test binaries, so a CI run's reports can be read when a case fails.
        var path = Path.Combine(AppContext.BaseDirectory, $"conformance-{Report.Role}-{Report.Envelope}".ToLowerInvariant());
        await using (var file = File.CreateText(path + ".md"))
        {
            MeshInterop.Conformance.Reporting.ConformanceMarkdownReport.Write(Report, file);
        }

        await using var json = File.Create(path + ".json");
        MeshInterop.Conformance.Reporting.ConformanceJsonReport.Write(Report, json);
    }

    public async ValueTask DisposeAsync()
    {
        if (_target is not null)
        {
            await _target.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private protected abstract Task<(ConformanceRunnerOptions Options, IAsyncDisposable Target)> CreateAsync();

    private protected static async Task<(ConformanceRunnerOptions, IAsyncDisposable)> OwnerAsync(HamletEnvelope envelope)
    {
        var target = await OwnerTarget.StartAsync(new HamletOwnerOptions { AckTimeout = KitOptions.AckTimeout });
        return (KitOptions.ForOwner(target.Address, envelope, target, Claimed), target);
    }

    private protected static Task<(ConformanceRunnerOptions, IAsyncDisposable)> ConsumerAsync(HamletEnvelope envelope)
    {
        var target = new ConsumerTarget(envelope, KitOptions.GracePeriod);
        return Task.FromResult<(ConformanceRunnerOptions, IAsyncDisposable)>((KitOptions.ForConsumer(envelope, target, Claimed), target));
    }
}

public sealed class OwnerV1Alpha1Run : ConformanceRun
{
    private protected override Task<(ConformanceRunnerOptions, IAsyncDisposable)> CreateAsync() => OwnerAsync(HamletEnvelope.V1Alpha1);
}

public sealed class OwnerV1Alpha2Run : ConformanceRun
{
    private protected override Task<(ConformanceRunnerOptions, IAsyncDisposable)> CreateAsync() => OwnerAsync(HamletEnvelope.V1Alpha2);
}

public sealed class ConsumerV1Alpha1Run : ConformanceRun
{
    private protected override Task<(ConformanceRunnerOptions, IAsyncDisposable)> CreateAsync() => ConsumerAsync(HamletEnvelope.V1Alpha1);
}

public sealed class ConsumerV1Alpha2Run : ConformanceRun
{
    private protected override Task<(ConformanceRunnerOptions, IAsyncDisposable)> CreateAsync() => ConsumerAsync(HamletEnvelope.V1Alpha2);
}
