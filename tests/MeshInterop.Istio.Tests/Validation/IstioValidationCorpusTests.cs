using MeshInterop.Istio.Tests.TestData;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Tests.Validation;

/// <summary>
/// Runs the structural-schema validator and the ported webhook rules over Istio's own CRD validation corpus, one
/// theory row per document, as Istio's test checks that its CRD and webhook agree. The schema layer includes the
/// CRDs' CEL rules. Documents whose expected error comes from a rule that cannot run here (CEL's URL library) are
/// skipped with the rule named, and a document listed so that starts passing fails, so the list stays honest.
/// </summary>
public sealed class IstioValidationCorpusTests
{
    // Corpus documents whose expected error only a rule not ported here can produce, with that rule.
    // CEL rules that use Kubernetes' URL library (url(), isURL(), getScheme()), which the Cel package lacks; such
    // rules are reported as unchecked, never as passed.
    private static readonly Dictionary<string, string> NotPorted = new(StringComparer.Ordinal)
    {
        ["reqauth-invalid.yaml#8:invalid-jwks"] = "RequestAuthentication CEL url() rule on jwksUri",
        ["wasm-invalid.yaml#2:invalid-url"] = "WasmPlugin CEL isURL()/url() rule on url",
        ["wasm-invalid.yaml#3:invalid-url-schema"] = "WasmPlugin CEL isURL()/url() rule on url",
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

    // Invalid documents of the emitted kinds whose expected error is a CEL rule's message.
    public static IEnumerable<TheoryDataRow<string>> CelCasesOfEmittedKinds() =>
        ValidationCorpus.Rows(d => d.ExpectedError is not null && !d.WebhookOnly && IstioWebhookValidator.Supports(d.Kind)
            && CelMessages(IstioCrds.For(ResearchData.Istio1303), d).Any(m => m.Contains(d.ExpectedError, StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(CelCasesOfEmittedKinds))]
    public void InvalidDocument_EmittedKindCelCase_WebhookAloneRejects(string id)
    {
        // Where the upstream check is a CEL rule, the ported webhook rules must catch the same case on their own,
        // so that CEL and webhook check each other (istiod's webhook enforces these rules too).
        var document = ValidationCorpus.Get(id);
        var errors = WebhookErrors(document).Select(e => e.ToString()).ToList();
        Assert.True(errors.Any(e => e.Contains(document.ExpectedError!, StringComparison.Ordinal)), $"{id}: the webhook rules miss \"{document.ExpectedError}\": [{string.Join("; ", errors)}]");
    }

    private static List<string> CelMessages(CrdSchemaSet schemas, CorpusDocument document)
    {
        Assert.True(schemas.TryGetSchemaFor(document.Object, out var schema));
        var messages = new List<string>();
        void Collect(System.Text.Json.Nodes.JsonNode? node)
        {
            if (node is System.Text.Json.Nodes.JsonObject obj)
            {
                if (obj["x-kubernetes-validations"] is System.Text.Json.Nodes.JsonArray rules)
                    messages.AddRange(rules.Select(r => (string?)r?["message"]).OfType<string>());
                foreach (var (_, child) in obj)
                    Collect(child);
            }
            else if (node is System.Text.Json.Nodes.JsonArray array)
            {
                foreach (var item in array)
                    Collect(item);
            }
        }

        Collect(schema.Root);
        return messages;
    }

    [Theory]
    [MemberData(nameof(InvalidDocuments))]
    public void InvalidDocument_Istio1246SchemaOrWebhook_Rejects(string id)
    {
        // What 1.30.3 rejects, the older schema rejects too: by the same rule, or because the field is newer.
        var document = ValidationCorpus.Get(id);
        Assert.SkipWhen(NotPorted.ContainsKey(id), $"{id} exercises a rule that cannot run here: {NotPorted.GetValueOrDefault(id)}.");
        Assert.NotEmpty(SchemaErrors(document, ResearchData.Istio1246).Concat(WebhookErrors(document)));
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
