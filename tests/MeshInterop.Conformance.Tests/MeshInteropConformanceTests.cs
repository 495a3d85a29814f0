using System.Collections.Frozen;

namespace MeshInterop.Conformance.Tests;

/// <summary>
/// The kit against MeshInterop's own owner and consumer over loopback mTLS, one test per case ID of the role, per envelope:
/// every case that applies must pass; a case that does not apply (capability, envelope, .NET-only) is skipped with the kit's reason.
/// </summary>
public abstract class MeshInteropConformanceTests<TRun>(TRun run)
    where TRun : ConformanceRun
{
    protected void AssertCase(string caseId)
    {
        var result = run.Report.Results.Single(r => string.Equals(r.Case.Id, caseId, StringComparison.Ordinal));
        if (result.Outcome == ConformanceOutcome.NotApplicable)
        {
            Assert.Skip(result.Message);
        }

        var key = $"{run.Report.Role}/{run.Report.Envelope}/{caseId}";
        if (ConformanceTestData.KnownEngineGaps.TryGetValue(key, out var gap))
        {
            // A gap that no longer shows must leave the list, or the skip would hide a regression later.
            Assert.False(result.Outcome == ConformanceOutcome.Passed, $"{key} passes now; remove it from ConformanceTestData.KnownEngineGaps.");
            Assert.Skip($"Engine gap: {gap} (outcome {result.Outcome}: {result.Message})");
        }

        Assert.True(result.Outcome == ConformanceOutcome.Passed, $"{caseId}: {result.Outcome}: {result.Message}\n{string.Join('\n', result.Evidence)}");
    }
}

public sealed class OwnerV1Alpha1ConformanceTests(OwnerV1Alpha1Run run) : MeshInteropConformanceTests<OwnerV1Alpha1Run>(run), IClassFixture<OwnerV1Alpha1Run>
{
    [Theory]
    [MemberData(nameof(ConformanceTestData.OwnerCaseIds), MemberType = typeof(ConformanceTestData))]
    public void Case_AgainstMeshInteropOwner_PassesWhenApplicable(string caseId) => AssertCase(caseId);
}

public sealed class OwnerV1Alpha2ConformanceTests(OwnerV1Alpha2Run run) : MeshInteropConformanceTests<OwnerV1Alpha2Run>(run), IClassFixture<OwnerV1Alpha2Run>
{
    [Theory]
    [MemberData(nameof(ConformanceTestData.OwnerCaseIds), MemberType = typeof(ConformanceTestData))]
    public void Case_AgainstMeshInteropOwner_PassesWhenApplicable(string caseId) => AssertCase(caseId);
}

public sealed class ConsumerV1Alpha1ConformanceTests(ConsumerV1Alpha1Run run) : MeshInteropConformanceTests<ConsumerV1Alpha1Run>(run), IClassFixture<ConsumerV1Alpha1Run>
{
    [Theory]
    [MemberData(nameof(ConformanceTestData.ConsumerCaseIds), MemberType = typeof(ConformanceTestData))]
    public void Case_AgainstMeshInteropConsumer_PassesWhenApplicable(string caseId) => AssertCase(caseId);
}

public sealed class ConsumerV1Alpha2ConformanceTests(ConsumerV1Alpha2Run run) : MeshInteropConformanceTests<ConsumerV1Alpha2Run>(run), IClassFixture<ConsumerV1Alpha2Run>
{
    [Theory]
    [MemberData(nameof(ConformanceTestData.ConsumerCaseIds), MemberType = typeof(ConformanceTestData))]
    public void Case_AgainstMeshInteropConsumer_PassesWhenApplicable(string caseId) => AssertCase(caseId);
}

public static class ConformanceTestData
{
    /// <summary>Required cases our engines cannot pass yet, each with the engine gap that explains it (role/envelope/case).</summary>
    internal static readonly FrozenDictionary<string, string> KnownEngineGaps = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // None at present. Entries read ["Role/Envelope/case_id"] = "the engine gap, with where it is".
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static TheoryData<string> OwnerCaseIds => [.. ConformanceCases.All.Where(c => c.Roles.Contains(ConformanceRole.Owner)).Select(c => c.Id)];

    public static TheoryData<string> ConsumerCaseIds => [.. ConformanceCases.All.Where(c => c.Roles.Contains(ConformanceRole.Consumer)).Select(c => c.Id)];
}
