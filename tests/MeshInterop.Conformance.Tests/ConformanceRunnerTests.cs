using MeshInterop.Conformance.Tests.Targets;
using MeshInterop.Protocol;

namespace MeshInterop.Conformance.Tests;

public sealed class ConformanceRunnerTests
{
    private static ConformanceRunnerOptions Owner(ConformanceCapabilities capabilities = ConformanceCapabilities.None) =>
        KitOptions.ForOwner(new Uri("https://127.0.0.1:1"), HamletEnvelope.V1Alpha1, null!, capabilities);

    [Fact]
    public void Constructor_NullOptions_ThrowsWithParamName() =>
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new ConformanceRunner(null!)).ParamName);

    [Fact]
    public void Constructor_OwnerWithoutTarget_NamesTheOption()
    {
        var options = Owner();
        options.Target = null;
        Assert.Contains("Options.Target is required", Assert.Throws<ArgumentException>(() => new ConformanceRunner(options)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_PlaintextTarget_IsRefused()
    {
        var options = Owner();
        options.Target = new Uri("http://127.0.0.1:1");
        Assert.Contains("must be an https address", Assert.Throws<ArgumentException>(() => new ConformanceRunner(options)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_UnknownCase_NamesIt()
    {
        var options = Owner();
        options.Cases.Add("no_such_case");
        Assert.Contains("'no_such_case'", Assert.Throws<ArgumentException>(() => new ConformanceRunner(options)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NonPositiveBound_NamesIt()
    {
        var options = Owner();
        options.Timing.QuietPeriod = TimeSpan.Zero;
        Assert.Contains("Timing.QuietPeriod", Assert.Throws<ArgumentException>(() => new ConformanceRunner(options)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ack_after_handler_completes", "consumer role")]
    [InlineData("version_v2_first_frame_must_be_request", "v1alpha2 envelope only")]
    [InlineData("snapshot_delivers_all_resources", "Needs Mutation")]
    [InlineData("ext_window_honoured", "Needs Mutation, Window")]
    [InlineData("interop_reference_client_vs_sdk_server", "Go reference")]
    public void WhyNotApplicable_CaseOutsideTheRun_SaysWhy(string id, string expected)
    {
        var runner = new ConformanceRunner(Owner());
        Assert.True(ConformanceCases.TryGet(id, out var conformanceCase));
        Assert.Contains(expected, runner.WhyNotApplicable(conformanceCase), StringComparison.Ordinal);
    }

    [Fact]
    public void WhyNotApplicable_ClaimedButNoHook_DropsHookCapabilities()
    {
        var runner = new ConformanceRunner(Owner(ConformanceCapabilities.Mutation));
        Assert.Equal(ConformanceCapabilities.None, runner.EffectiveCapabilities);
        Assert.True(ConformanceCases.TryGet("update_create_fanout", out var fanout));
        Assert.Contains("no hook is configured", runner.WhyNotApplicable(fanout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OnlyNotApplicableCases_ReportsThemAndConforms()
    {
        var options = Owner();
        options.Cases.Add("ack_handler_failure_nacks");
        options.Cases.Add("update_create_fanout");

        var report = await new ConformanceRunner(options).RunAsync(null, TestContext.Current.CancellationToken);

        Assert.All(report.Results, r => Assert.Equal(ConformanceOutcome.NotApplicable, r.Outcome));
        Assert.Equal(0, report.Count(ConformanceOutcome.Passed));
        Assert.True(report.Conforms);
    }

    [Fact]
    public async Task RunAsync_UnreachableTarget_ReportsFailuresNotPasses()
    {
        var options = Owner();
        options.Cases.Add("snapshot_empty_keeps_stream_open");
        options.Cases.Add("snapshot_invalid_resource_url_rejected");
        options.Timing.DeliveryBound = TimeSpan.FromSeconds(2);
        var progress = new List<ConformanceCaseResult>();

        var report = await new ConformanceRunner(options).RunAsync(new SynchronousProgress(progress), TestContext.Current.CancellationToken);

        Assert.Equal(2, progress.Count);
        Assert.All(report.Results, r => Assert.NotEqual(ConformanceOutcome.Passed, r.Outcome));
        Assert.False(report.Conforms);
    }

    private sealed class SynchronousProgress(List<ConformanceCaseResult> results) : IProgress<ConformanceCaseResult>
    {
        public void Report(ConformanceCaseResult value) => results.Add(value);
    }
}
