using MeshInterop.Istio.Tests.TestData;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Tests.Validation;

/// <summary>
/// Runs the structural-schema validator and the ported webhook rules over Istio's own CRD validation corpus, one
/// theory row per document, as Istio's test checks that its CRD and webhook agree. Documents whose expected error
/// comes from a rule not ported here (CEL of kinds the adapter does not emit, URL functions) are skipped with the
/// rule named, and a document listed as not ported that starts passing fails, so the list stays honest.
/// </summary>
public sealed class IstioValidationCorpusTests
{
    // Corpus documents whose expected error only a rule not ported here can produce, with that rule.
    // All are CEL rules (x-kubernetes-validations) of kinds the adapter does not emit; CEL is not run (see docs/istio.md).
    private static readonly Dictionary<string, string> NotPorted = new(StringComparer.Ordinal)
    {
        ["envoyfilter-invalid.yaml#0:waypoint-wrong-context"] = "EnvoyFilter CEL rule on configPatches[].match (waypointMatch only with context WAYPOINT)",
        ["envoyfilter-invalid.yaml#1:waypoint-wrong-match"] = "EnvoyFilter CEL rule on configPatches[].match (waypointMatch only with context WAYPOINT)",
        ["envoyfilter-invalid.yaml#2:waypoint-wrong-port"] = "EnvoyFilter CEL port range on match.waypoint.portNumber",
        ["proxyconfig-invalid.yaml#1:empty-key-selector"] = "ProxyConfig CEL rule on selector keys",
        ["reqauth-invalid.yaml#0:multi-refs"] = "RequestAuthentication CEL rule (one of targetRefs or selector)",
        ["reqauth-invalid.yaml#17:bad-timeout"] = "RequestAuthentication CEL duration() rule on timeout",
        ["reqauth-invalid.yaml#1:ref-and-selector"] = "RequestAuthentication CEL rule (one of targetRefs or selector)",
        ["reqauth-invalid.yaml#3:bad-target-namespace"] = "RequestAuthentication CEL rule on targetRef.namespace",
        ["reqauth-invalid.yaml#8:invalid-jwks"] = "RequestAuthentication CEL url() functions on jwksUri",
        ["telemetry-invalid.yaml#2:bad-tag-upsert"] = "Telemetry CEL rule on tagOverrides",
        ["telemetry-invalid.yaml#3:bad-tag-remove"] = "Telemetry CEL rule on tagOverrides",
        ["wasm-invalid.yaml#10:invalid-env-name"] = "WasmPlugin CEL rule on vmConfig.env",
        ["wasm-invalid.yaml#13:invalid-selector"] = "WasmPlugin CEL rule on selector values",
        ["wasm-invalid.yaml#14:invalid-selector"] = "WasmPlugin CEL rule on selector keys",
        ["wasm-invalid.yaml#2:invalid-url"] = "WasmPlugin CEL url() functions",
        ["wasm-invalid.yaml#3:invalid-url-schema"] = "WasmPlugin CEL url() functions",
        ["wasm-invalid.yaml#9:invalid-env-name"] = "WasmPlugin CEL rule on vmConfig.env",
        ["workloadgroup-invalid.yaml#1:tcp-probe-invalid"] = "WorkloadGroup CEL port range on probe.tcpSocket.port",
    };

    public static IEnumerable<TheoryDataRow<string>> ValidDocuments() =>
        ValidationCorpus.Rows(d => d.ExpectedError is null && !d.WebhookOnly);

    public static IEnumerable<TheoryDataRow<string>> InvalidDocuments() =>
        ValidationCorpus.Rows(d => d.ExpectedError is not null && !d.WebhookOnly);

    public static IEnumerable<TheoryDataRow<string>> WebhookOnlyDocuments() =>
        ValidationCorpus.Rows(d => d.WebhookOnly);

    [Fact]
    public void Corpus_Loaded_HasDocumentsOfEveryFile()
    {
        ResearchData.RequireIstioFolder();
        var files = ValidationCorpus.Documents.Select(d => d.File).Distinct(StringComparer.Ordinal).Count();
        Assert.Equal(22, files);
        Assert.Contains(ValidationCorpus.Documents, d => d.WebhookOnly);
        Assert.DoesNotContain(ValidationCorpus.Documents, d => d.Object.ContainsKey("_err"));
    }

    [Theory]
    [MemberData(nameof(ValidDocuments))]
    public void ValidDocument_Istio1303SchemaAndWebhook_NoErrors(string id)
    {
        var document = ValidationCorpus.Get(id);
        var errors = SchemaErrors(document, ResearchData.Istio1303).Concat(WebhookErrors(document)).ToList();
        Assert.True(errors.Count == 0, $"{id} is valid upstream but was rejected: {string.Join("; ", errors)}");
    }

    [Theory]
    [MemberData(nameof(ValidDocuments))]
    public void ValidDocument_Istio1246Schema_NoErrorsExceptFieldsAddedLater(string id)
    {
        var document = ValidationCorpus.Get(id);
        var errors = SchemaErrors(document, ResearchData.Istio1246).ToList();
        // Only fields that Istio added after 1.24 may be unknown to the older schema (reference section 4.8).
        var unexpected = errors.Where(e => !IsAddedAfter1246(e)).ToList();
        Assert.True(unexpected.Count == 0, $"{id} rejected by the 1.24.6 schema: {string.Join("; ", unexpected)}");
    }

    [Theory]
    [MemberData(nameof(InvalidDocuments))]
    public void InvalidDocument_SchemaOrWebhook_RejectsWithUpstreamMessage(string id)
    {
        var document = ValidationCorpus.Get(id);
        var errors = SchemaErrors(document, ResearchData.Istio1303).Concat(WebhookErrors(document)).Select(e => e.ToString()).ToList();
        var caught = errors.Any(e => e.Contains(document.ExpectedError!, StringComparison.Ordinal));
        if (NotPorted.TryGetValue(id, out var rule))
        {
            Assert.False(caught, $"{id} is now caught; remove it from the not-ported list.");
            Assert.Skip($"{id} exercises a rule that is not ported: {rule}. Expected \"{document.ExpectedError}\".");
        }

        Assert.True(caught, $"{id}: expected an error containing \"{document.ExpectedError}\", got: [{string.Join("; ", errors)}]");
    }

    [Theory]
    [MemberData(nameof(WebhookOnlyDocuments))]
    public void CommentedOutDocument_CrdAccepts_WebhookRejects(string id)
    {
        var document = ValidationCorpus.Get(id);
        Assert.Empty(SchemaErrors(document, ResearchData.Istio1303));
        Assert.NotEmpty(WebhookErrors(document));
    }

    private static IEnumerable<ValidationIssue> SchemaErrors(CorpusDocument document, string release)
    {
        var schemas = IstioCrds.For(release);
        Assert.True(schemas.TryGetSchemaFor(document.Object, out var schema), $"No {release} schema for {document.Object["apiVersion"]} {document.Kind}.");
        return schema.Validate(document.Object).Errors;
    }

    private static IEnumerable<ValidationIssue> WebhookErrors(CorpusDocument document) =>
        IstioWebhookValidator.Validate(document.Object).Errors;

    // Besides section 4.8's list for the emitted kinds: EnvoyFilter's WAYPOINT context and RequestAuthentication's
    // spaceDelimitedClaims are also newer than 1.24.6.
    private static bool IsAddedAfter1246(ValidationIssue issue) =>
        issue.Message.StartsWith("Unknown field", StringComparison.Ordinal) && IsAddedAfter1246(issue.Path)
        || issue.Path.EndsWith(".match.context", StringComparison.Ordinal) && issue.Message.Contains("\"WAYPOINT\"", StringComparison.Ordinal);

    private static bool IsAddedAfter1246(string path) =>
        path.EndsWith(".waypoint", StringComparison.Ordinal) || path.EndsWith(".spaceDelimitedClaims", StringComparison.Ordinal) ||
        path.EndsWith(".serviceAccounts", StringComparison.Ordinal) || path.EndsWith(".notServiceAccounts", StringComparison.Ordinal)
        || path.EndsWith(".trustDomains", StringComparison.Ordinal) || path.EndsWith(".notTrustDomains", StringComparison.Ordinal)
        || path.EndsWith(".retryBudget", StringComparison.Ordinal) || path.EndsWith(".credentialNames", StringComparison.Ordinal)
        || path.EndsWith(".tlsCertificates", StringComparison.Ordinal) || path.EndsWith(".caCertCredentialName", StringComparison.Ordinal)
        || path.EndsWith(".backoff", StringComparison.Ordinal) || path.EndsWith(".retryIgnorePreviousHosts", StringComparison.Ordinal);
}
