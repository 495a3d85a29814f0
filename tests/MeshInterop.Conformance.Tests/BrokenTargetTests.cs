using MeshInterop.Conformance.Tests.Targets;
using MeshInterop.Protocol;

namespace MeshInterop.Conformance.Tests;

/// <summary>The kit against deliberately broken implementations: the matching cases must fail, so the kit is proven able to fail.</summary>
public sealed class BrokenTargetTests
{
    [Fact]
    public async Task RunAsync_OwnerThatDropsEvents_FailsFanoutButPassesSnapshot()
    {
        await using var owner = await DroppingOwner.StartAsync();
        var options = KitOptions.ForOwner(owner.Address, HamletEnvelope.V1Alpha1, owner, ConformanceCapabilities.Mutation);
        Select(options, "snapshot_delivers_all_resources", "update_create_fanout", "update_delete_removes_entry");

        var report = await new ConformanceRunner(options).RunAsync(null, TestContext.Current.CancellationToken);

        AssertOutcome(report, "snapshot_delivers_all_resources", ConformanceOutcome.Passed);
        AssertOutcome(report, "update_create_fanout", ConformanceOutcome.Failed);
        AssertOutcome(report, "update_delete_removes_entry", ConformanceOutcome.Failed);
        Assert.False(report.Conforms);
    }

    [Fact]
    public async Task RunAsync_ConsumerThatAcksBeforeApplying_FailsAckAfterApply()
    {
        await using var consumer = new BrokenConsumer(ConsumerDefect.AcksBeforeApplying);
        var options = KitOptions.ForConsumer(HamletEnvelope.V1Alpha1, consumer, ConformanceCapabilities.ConsumerControl);
        Select(options, "ack_after_handler_completes", "update_delete_unknown_key_acked");

        var report = await new ConformanceRunner(options).RunAsync(null, TestContext.Current.CancellationToken);

        var result = report.Results.Single(r => r.Case.Id == "ack_after_handler_completes");
        Assert.Equal(ConformanceOutcome.Failed, result.Outcome);
        Assert.Contains("must ACK only after applying", result.Message, StringComparison.Ordinal);
        AssertOutcome(report, "update_delete_unknown_key_acked", ConformanceOutcome.Passed);
        Assert.False(report.Conforms);
    }

    [Fact]
    public async Task RunAsync_ConsumerThatRetriesFatalCodes_FailsNoRetryCasesButPassesApply()
    {
        await using var consumer = new BrokenConsumer(ConsumerDefect.RetriesOnFatalCodes);
        var options = KitOptions.ForConsumer(HamletEnvelope.V1Alpha1, consumer, ConformanceCapabilities.ConsumerControl);
        Select(options, "transport_unauthenticated_not_retried", "transport_invalid_argument_not_retried", "ack_after_handler_completes");

        var report = await new ConformanceRunner(options).RunAsync(null, TestContext.Current.CancellationToken);

        AssertOutcome(report, "transport_unauthenticated_not_retried", ConformanceOutcome.Failed);
        AssertOutcome(report, "transport_invalid_argument_not_retried", ConformanceOutcome.Failed);
        AssertOutcome(report, "ack_after_handler_completes", ConformanceOutcome.Passed);
    }

    [Fact]
    public async Task RunAsync_ConsumerThatPingsEverySecond_FailsKeepalive()
    {
        await using var consumer = new BrokenConsumer(ConsumerDefect.PingsTooOften);
        var options = KitOptions.ForConsumer(HamletEnvelope.V1Alpha1, consumer, ConformanceCapabilities.ConsumerControl);
        Select(options, "lifecycle_idle_stream_survives_keepalive");

        var report = await new ConformanceRunner(options).RunAsync(null, TestContext.Current.CancellationToken);

        AssertOutcome(report, "lifecycle_idle_stream_survives_keepalive", ConformanceOutcome.Failed);
        Assert.Contains("after its previous ping", report.Results.Single().Message, StringComparison.Ordinal);
    }

    private static void Select(ConformanceRunnerOptions options, params string[] ids)
    {
        // The failures these targets must produce are timeouts of T: keep T short.
        options.Timing.DeliveryBound = TimeSpan.FromSeconds(2);
        foreach (var id in ids)
        {
            options.Cases.Add(id);
        }
    }

    private static void AssertOutcome(ConformanceReport report, string id, ConformanceOutcome expected)
    {
        var result = report.Results.Single(r => string.Equals(r.Case.Id, id, StringComparison.Ordinal));
        Assert.True(result.Outcome == expected, $"{id}: expected {expected}, got {result.Outcome}: {result.Message}\n{string.Join('\n', result.Evidence)}");
    }
}
