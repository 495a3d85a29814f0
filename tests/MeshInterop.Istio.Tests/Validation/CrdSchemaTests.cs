using System.Text.Json.Nodes;
using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Tests.Validation;

public sealed class CrdSchemaTests
{
    // A small CRD exercising every construct the walker supports, in the shape Istio's generator writes.
    private const string Crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.io
        spec:
          group: example.io
          names: {kind: Widget, plural: widgets}
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                required: [spec]
                properties:
                  spec:
                    type: object
                    required: [name]
                    properties:
                      name: {type: string, minLength: 2, maxLength: 5, pattern: '^[a-z]+$'}
                      mode: {type: string, enum: [ON, OFF]}
                      count: {type: integer, minimum: 1, maximum: 10}
                      ratio: {type: number, format: double, minimum: 0, exclusiveMaximum: true, maximum: 1}
                      flag: {type: boolean}
                      maybe: {type: string, nullable: true}
                      port: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}
                      tags: {type: array, minItems: 1, maxItems: 2, items: {type: string}, x-kubernetes-list-type: set}
                      ports:
                        type: array
                        items:
                          type: object
                          required: [name]
                          properties:
                            name: {type: string}
                            number: {type: integer}
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [name]
                      labels: {type: object, maxProperties: 2, minProperties: 1, additionalProperties: {type: string, maxLength: 3}}
                      free: {type: object, x-kubernetes-preserve-unknown-fields: true}
                      choice:
                        type: object
                        oneOf:
                        - not: {anyOf: [{required: [a]}, {required: [b]}]}
                        - required: [a]
                        - required: [b]
                        properties:
                          a: {type: string}
                          b: {type: string}
                    x-kubernetes-validations:
                    - rule: '!has(self.flag) || !self.flag || has(self.mode)'
                      message: mode is required when flag is set
                    - rule: self.name == oldSelf.name
                      message: name is immutable
                    - rule: 'has(self.free) ? self.name.substring(0, 1) != "z" : true'
                      message: names starting with z may not carry free
                  status:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
          - name: v1alpha1
            served: false
            storage: false
            schema:
              openAPIV3Schema: {type: object}
        """;

    private static readonly CrdSchema Schema = Load();

    private static CrdSchema Load()
    {
        Assert.True(CrdSchemaSet.Parse(Crd).TryGetSchema("example.io", "Widget", "v1", out var schema));
        return schema;
    }

    private static ValidationResult Validate(string specYaml)
    {
        var obj = (JsonObject)YamlJson.ReadDocuments($"apiVersion: example.io/v1\nkind: Widget\nmetadata: {{name: w, namespace: ns}}\nspec: {specYaml}\n").Single()!;
        return Schema.Validate(obj);
    }

    private static void AssertSingleError(string specYaml, string expected)
    {
        var result = Validate(specYaml);
        Assert.Equal(expected, Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Validate_ValidObject_NoIssuesAndTransitionRuleListedAsUnchecked()
    {
        var result = Validate("{name: abc, mode: ON, count: 3, ratio: 0.5, flag: true, maybe: null, port: http, tags: [a, b], ports: [{name: a}, {name: b}], labels: {x: y}, free: {any: [1, {deep: true}]}, choice: {a: z}}");
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(["spec: name is immutable"], result.UncheckedRules);
    }

    [Fact]
    public void Parse_UnservedVersion_NotIndexed() =>
        Assert.False(CrdSchemaSet.Parse(Crd).TryGetSchema("example.io", "Widget", "v1alpha1", out _));

    [Fact]
    public void Parse_CrdWithoutSchema_ThrowsNamingTheCrd()
    {
        const string NoSchema = "kind: CustomResourceDefinition\nmetadata: {name: widgets.example.io}\nspec: {group: example.io, names: {kind: Widget}, versions: [{name: v1, served: true}]}\n";
        var error = Assert.Throws<FormatException>(() => CrdSchemaSet.Parse(NoSchema));
        Assert.Contains("widgets.example.io", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_YamlAlias_Refused() =>
        Assert.Throws<FormatException>(() => CrdSchemaSet.Parse("a: &x [1]\nb: *x\n"));

    [Theory]
    [InlineData("{}", "spec.name: Required value")]
    [InlineData("{name: abc, extra: 1}", "spec.extra: Unknown field: not declared in the schema")]
    [InlineData("{name: abc, mode: MAYBE}", "spec.mode: Unsupported value: \"MAYBE\": supported values: \"ON\", \"OFF\"")]
    [InlineData("{name: a}", "spec.name: Invalid value: \"a\": spec.name in body should be at least 2 chars long")]
    [InlineData("{name: abcdef}", "spec.name: Too long: may not be more than 5 bytes")]
    [InlineData("{name: ab1}", "spec.name: Invalid value: \"ab1\": spec.name in body should match '^[a-z]+$'")]
    [InlineData("{name: abc, count: 11}", "spec.count: Invalid value: 11: spec.count in body should be less than or equal to 10")]
    [InlineData("{name: abc, count: 0}", "spec.count: Invalid value: 0: spec.count in body should be greater than or equal to 1")]
    [InlineData("{name: abc, count: 1.5}", "spec.count: Invalid value: \"number\": spec.count in body must be of type integer: \"number\"")]
    [InlineData("{name: abc, count: '3'}", "spec.count: Invalid value: \"string\": spec.count in body must be of type integer: \"string\"")]
    [InlineData("{name: abc, ratio: 1}", "spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1")]
    [InlineData("{name: abc, flag: yes}", "spec.flag: Invalid value: \"string\": spec.flag in body must be of type boolean: \"string\"")]
    [InlineData("{name: abc, port: true}", "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer or string: \"boolean\"")]
    [InlineData("{name: abc, tags: []}", "spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items")]
    [InlineData("{name: abc, tags: [a, b, c]}", "spec.tags: Too many: 3: must have at most 2 items")]
    [InlineData("{name: abc, tags: [a, a]}", "spec.tags[1]: Duplicate value: \"a\"")]
    [InlineData("{name: abc, ports: [{name: a, number: 1}, {name: a, number: 2}]}", "spec.ports[1]: Duplicate value: {\"name\":\"a\"}")]
    [InlineData("{name: abc, ports: [{number: 1}]}", "spec.ports[0].name: Required value")]
    [InlineData("{name: abc, labels: {}}", "spec.labels: Invalid value: 0: spec.labels in body should have at least 1 properties")]
    [InlineData("{name: abc, labels: {a: b, c: d, e: f}}", "spec.labels: Too many: 3: must have at most 2 items")]
    [InlineData("{name: abc, labels: {a: long}}", "spec.labels[a]: Too long: may not be more than 3 bytes")]
    [InlineData("{name: abc, choice: {a: x, b: y}}", "spec.choice: Invalid value: \"object\": spec.choice in body must validate one and only one schema (oneOf). Found 2 valid alternatives")]
    [InlineData("{name: abc, flag: true}", "spec: Invalid value: \"object\": mode is required when flag is set")]
    [InlineData("{name: zed, free: {}}", "spec: Invalid value: \"object\": names starting with z may not carry free")]
    [InlineData("{name: abc, tags: null}", "spec.tags: Invalid value: \"null\": spec.tags in body must be of type array: \"null\"")]
    public void Validate_Violation_ReportsPathAndApiServerMessage(string spec, string expected) => AssertSingleError(spec, expected);

    [Fact]
    public void Validate_CelRuleWithoutTheTestedField_Passes() => Assert.True(Validate("{name: zed}").IsValid);

    [Fact]
    public void Validate_CelRuleOnIllTypedValue_OnlySchemaErrorReported() =>
        Assert.Equal(["spec.flag: Invalid value: \"string\": spec.flag in body must be of type boolean: \"string\""], Validate("{name: abc, flag: yes}").Errors.Select(e => e.ToString()));

    [Fact]
    public void Validate_CountsUnicodeCharactersNotUtf16Units() =>
        Assert.True(Validate("{name: abc, labels: {a: \"\U0001F600\U0001F600\U0001F600\"}}").IsValid);

    [Fact]
    public void Validate_NullSpec_TypeError() =>
        Assert.Equal("spec: Invalid value: \"null\": spec in body must be of type object: \"null\"", Assert.Single(Validate("null").Errors).ToString());

    [Fact]
    public void Validate_MissingApiVersionAndUnknownMetadata_Reported()
    {
        var obj = new JsonObject { ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = "w", ["bogus"] = 1 }, ["spec"] = new JsonObject { ["name"] = "abc" } };
        var errors = Schema.Validate(obj).Errors.Select(e => e.ToString()).ToList();
        Assert.Contains("apiVersion: Required value", errors);
        Assert.Contains("metadata.bogus: Unknown field: not declared in the schema", errors);
    }

    [Fact]
    public void Validate_Status_PreservesUnknownFields() =>
        Assert.True(Schema.Validate(new JsonObject
        {
            ["apiVersion"] = "example.io/v1",
            ["kind"] = "Widget",
            ["metadata"] = new JsonObject { ["name"] = "w" },
            ["spec"] = new JsonObject { ["name"] = "abc" },
            ["status"] = new JsonObject { ["anything"] = new JsonArray(1, 2) },
        }).IsValid);

    [Fact]
    public void TryGetSchemaFor_UnknownVersion_False()
    {
        var set = CrdSchemaSet.Parse(Crd);
        Assert.False(set.TryGetSchemaFor(new JsonObject { ["apiVersion"] = "example.io/v2", ["kind"] = "Widget" }, out _));
        Assert.False(set.TryGetSchemaFor(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Widget" }, out _));
        Assert.True(set.TryGetSchemaFor(new JsonObject { ["apiVersion"] = "example.io/v1", ["kind"] = "Widget" }, out _));
    }
}
