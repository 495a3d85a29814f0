using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol;

namespace MeshInterop.Conformance.Tests.Reporting;

/// <summary>A report with one case of every outcome, including text that needs escaping in XML and Markdown.</summary>
internal static class SampleReports
{
    public static ConformanceReport Mixed() => new(
        "https://127.0.0.1:15443/",
        ConformanceRole.Owner,
        HamletEnvelope.V1Alpha2,
        HamletResourceVersion.V1Alpha2,
        new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero),
        TimeSpan.FromSeconds(4.25),
        [
            new ConformanceCaseResult(Case("snapshot_delivers_all_resources"), ConformanceOutcome.Passed, TimeSpan.FromMilliseconds(310), "3 services, 3 CREATE responses.", ["+0.001s stream → subscribe", "+0.002s stream ← CREATE 'a' nonce='1'"]),
            new ConformanceCaseResult(Case("ack_one_response_in_flight"), ConformanceOutcome.Failed, TimeSpan.FromMilliseconds(320), "The owner sent <UPSERT 'b'> & more | before 'a' was answered.", ["+0.003s stream ← UPSERT 'b' nonce=\"2\""]),
            new ConformanceCaseResult(Case("lifecycle_graceful_stop_retryable"), ConformanceOutcome.Error, TimeSpan.FromSeconds(1), "The hook failed: exit code 2."),
            new ConformanceCaseResult(Case("version_v2_context_token_checked"), ConformanceOutcome.Failed, TimeSpan.Zero, "Optional case failed."),
            new ConformanceCaseResult(Case("ack_handler_failure_nacks"), ConformanceOutcome.NotApplicable, TimeSpan.Zero, "Checks a .NET API in process."),
        ]);

    public static ConformanceCase Case(string id) => ConformanceCases.TryGet(id, out var found) ? found : throw new ArgumentException(id);
}
