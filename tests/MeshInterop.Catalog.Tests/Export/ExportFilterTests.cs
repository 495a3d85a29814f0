using CsCheck;
using MeshInterop.Catalog.Export;
using MeshInterop.Catalog.Tests.Generators;

namespace MeshInterop.Catalog.Tests.Export;

public sealed class ExportFilterTests
{
    private static readonly Dictionary<string, string> NoLabels = [];

    private static Dictionary<string, string> Labels(params string[] pairs) =>
        pairs.Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static ExportFilter Filter(Action<ExportPolicyOptions> configure, string peer = "peer-b")
    {
        var options = new ExportPolicyOptions();
        configure(options);
        return ExportFilter.Create(peer, options);
    }

    private static ExportRule Rule(string[]? names = null, string[]? tags = null, LabelSelector? selector = null)
    {
        var rule = new ExportRule { Selector = selector };
        foreach (var n in names ?? [])
            rule.Names.Add(n);
        foreach (var t in tags ?? [])
            rule.Tags.Add(t);
        return rule;
    }

    private static LabelSelector Selector(Dictionary<string, string>? match = null, params LabelSelectorRequirement[] expressions)
    {
        var selector = new LabelSelector();
        foreach (var (k, v) in match ?? [])
            selector.MatchLabels.Add(k, v);
        foreach (var e in expressions)
            selector.MatchExpressions.Add(e);
        return selector;
    }

    private static LabelSelectorRequirement Requirement(string key, LabelSelectorOperator op, params string[] values)
    {
        var requirement = new LabelSelectorRequirement { Key = key, Operator = op };
        foreach (var v in values)
            requirement.Values.Add(v);
        return requirement;
    }

    [Fact]
    public void Selects_EmptyPolicy_ExportsNothing()
    {
        var filter = ExportFilter.Create("peer-b", new ExportPolicyOptions());

        Assert.False(filter.Selects("web", NoLabels, []));
        Assert.False(ExportFilter.Nothing("peer-b").Selects("web", NoLabels, []));
    }

    [Fact]
    public void Selects_NameGlob_MatchesOnlyThoseNames()
    {
        var filter = Filter(o => o.Allow.Add(Rule(names: ["web-*", "payments"])));

        Assert.True(filter.Selects("web-frontend", NoLabels, []));
        Assert.True(filter.Selects("payments", NoLabels, []));
        Assert.False(filter.Selects("payments-v2", NoLabels, []));
    }

    [Fact]
    public void Selects_DenyMatches_DenyWins()
    {
        var filter = Filter(o =>
        {
            o.Allow.Add(Rule(names: ["*"]));
            o.Deny.Add(Rule(names: ["*-internal"]));
            o.Deny.Add(Rule(selector: Selector(Labels("export=false"))));
        });

        Assert.True(filter.Selects("web", NoLabels, []));
        Assert.False(filter.Selects("admin-internal", NoLabels, []));
        Assert.False(filter.Selects("web", Labels("export=false"), []));
    }

    [Fact]
    public void Selects_RuleCriteria_AllMustHold()
    {
        var filter = Filter(o => o.Allow.Add(Rule(names: ["web-*"], tags: ["federated", "http"], selector: Selector(Labels("tier=frontend")))));

        Assert.True(filter.Selects("web-1", Labels("tier=frontend", "x=y"), ["http", "federated"]));
        Assert.False(filter.Selects("web-1", Labels("tier=frontend"), ["http"]));
        Assert.False(filter.Selects("web-1", Labels("tier=backend"), ["http", "federated"]));
        Assert.False(filter.Selects("api-1", Labels("tier=frontend"), ["http", "federated"]));
    }

    [Fact]
    public void Selects_SeveralRules_AnyMaySelect()
    {
        var filter = Filter(o =>
        {
            o.Allow.Add(Rule(names: ["web"]));
            o.Allow.Add(Rule(tags: ["public"]));
        });

        Assert.True(filter.Selects("web", NoLabels, []));
        Assert.True(filter.Selects("api", NoLabels, ["public"]));
        Assert.False(filter.Selects("api", NoLabels, ["Public"]));
    }

    [Theory]
    [InlineData(LabelSelectorOperator.In, "env=prod", true)]
    [InlineData(LabelSelectorOperator.In, "env=dev", false)]
    [InlineData(LabelSelectorOperator.In, "", false)]
    [InlineData(LabelSelectorOperator.NotIn, "env=prod", false)]
    [InlineData(LabelSelectorOperator.NotIn, "env=dev", true)]
    [InlineData(LabelSelectorOperator.NotIn, "", true)]
    public void Selects_InAndNotIn_KubernetesSemantics(LabelSelectorOperator op, string label, bool expected)
    {
        var filter = Filter(o => o.Allow.Add(Rule(selector: Selector(null, Requirement("env", op, "prod", "staging")))));

        Assert.Equal(expected, filter.Selects("svc", label.Length == 0 ? NoLabels : Labels(label), []));
    }

    [Theory]
    [InlineData(LabelSelectorOperator.Exists, "env=", true)]
    [InlineData(LabelSelectorOperator.Exists, "", false)]
    [InlineData(LabelSelectorOperator.DoesNotExist, "env=", false)]
    [InlineData(LabelSelectorOperator.DoesNotExist, "", true)]
    public void Selects_ExistsAndDoesNotExist_KubernetesSemantics(LabelSelectorOperator op, string label, bool expected)
    {
        var filter = Filter(o => o.Allow.Add(Rule(selector: Selector(null, Requirement("env", op)))));

        Assert.Equal(expected, filter.Selects("svc", label.Length == 0 ? NoLabels : Labels(label), []));
    }

    [Fact]
    public void Selects_EmptySelector_MatchesEverything()
    {
        var filter = Filter(o => o.Allow.Add(Rule(selector: new LabelSelector())));

        Assert.True(filter.Selects("anything", NoLabels, []));
    }

    [Fact]
    public void Selects_MatchLabelsAndExpressions_BothMustHold()
    {
        var filter = Filter(o => o.Allow.Add(Rule(selector: Selector(Labels("app=web"), Requirement("canary", LabelSelectorOperator.DoesNotExist)))));

        Assert.True(filter.Selects("svc", Labels("app=web"), []));
        Assert.False(filter.Selects("svc", Labels("app=web", "canary=true"), []));
        Assert.False(filter.Selects("svc", Labels("app=api"), []));
    }

    [Fact]
    public void Allows_LocalEntry_NeedsOnlyThePolicy()
    {
        var filter = Filter(o => o.Allow.Add(Rule(names: ["*"])));

        Assert.True(filter.Allows("web", NoLabels, [], originPeer: null));
    }

    [Fact]
    public void Allows_ImportedEntryWithoutTransitiveExport_IsNeverExported()
    {
        var filter = Filter(o => o.Allow.Add(Rule(names: ["*"])));

        Assert.False(filter.Allows("web", NoLabels, [], originPeer: "peer-c"));
    }

    [Fact]
    public void Allows_TransitiveExport_ExportsImportsButNeverBackToOrigin()
    {
        var filter = Filter(o =>
        {
            o.Allow.Add(Rule(names: ["*"]));
            o.TransitiveExport = true;
        });

        Assert.True(filter.Allows("web", NoLabels, [], originPeer: "peer-c"));
        Assert.False(filter.Allows("web", NoLabels, [], originPeer: "peer-b"));
    }

    [Fact]
    public void Allows_TransitiveExportButNotSelected_IsNotExported()
    {
        var filter = Filter(o =>
        {
            o.Allow.Add(Rule(names: ["api"]));
            o.TransitiveExport = true;
        });

        Assert.False(filter.Allows("web", NoLabels, [], originPeer: "peer-c"));
    }

    [Fact]
    public void Create_InvalidPolicy_ListsEveryProblemWithPath()
    {
        var options = new ExportPolicyOptions();
        options.Allow.Add(new ExportRule());
        options.Allow.Add(Rule(names: [""], tags: [""]));
        options.Deny.Add(Rule(selector: Selector(
            new Dictionary<string, string> { ["Bad Key"] = "ok", ["tier"] = "-bad-" },
            Requirement("env", LabelSelectorOperator.In),
            Requirement("env", LabelSelectorOperator.Exists, "x"),
            Requirement("UPPER.example/x", LabelSelectorOperator.DoesNotExist),
            Requirement("a", (LabelSelectorOperator)9))));

        var ex = Assert.Throws<ArgumentException>(() => ExportFilter.Create("peer-b", options));

        Assert.Equal("options", ex.ParamName);
        Assert.Contains("peer 'peer-b'", ex.Message, StringComparison.Ordinal);
        string[] expected =
        [
            "Allow[0]: the rule sets no criterion",
            "Allow[1].Names[0]: the name pattern is empty",
            "Allow[1].Tags[0]: the tag is empty",
            "Deny[0].Selector.MatchLabels: key 'Bad Key' must be a qualified name",
            "Deny[0].Selector.MatchLabels[tier]: value '-bad-'",
            "Deny[0].Selector.MatchExpressions[0].Values: operator In needs at least one value",
            "Deny[0].Selector.MatchExpressions[1].Values: operator Exists takes no values",
            "Deny[0].Selector.MatchExpressions[2].Key: the prefix 'UPPER.example'",
            "Deny[0].Selector.MatchExpressions[3].Operator: 9 is not an operator",
        ];
        var errors = ExportFilter.Validate(options);
        Assert.Equal(expected.Length, errors.Count);
        foreach (var text in expected)
            Assert.Contains(errors, e => e.StartsWith(text, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("app")]
    [InlineData("app.kubernetes.io/name")]
    [InlineData("a_b.c-d")]
    public void Validate_QualifiedKeys_AreAccepted(string key)
    {
        var options = new ExportPolicyOptions();
        options.Allow.Add(Rule(selector: Selector(null, Requirement(key, LabelSelectorOperator.Exists))));

        Assert.Empty(ExportFilter.Validate(options));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/name")]
    [InlineData("a/b/c")]
    [InlineData("-app")]
    [InlineData("example.com/")]
    public void Validate_BadKeys_AreRejected(string key)
    {
        var options = new ExportPolicyOptions();
        options.Allow.Add(Rule(selector: Selector(null, Requirement(key, LabelSelectorOperator.Exists))));

        Assert.Single(ExportFilter.Validate(options));
    }

    [Fact]
    public void Create_OptionsChangedAfterwards_FilterUnchanged()
    {
        var options = new ExportPolicyOptions();
        var rule = Rule(names: ["web"]);
        options.Allow.Add(rule);
        var filter = ExportFilter.Create("peer-b", options);

        rule.Names.Add("*");
        options.Deny.Add(Rule(names: ["web"]));

        Assert.True(filter.Selects("web", NoLabels, []));
        Assert.False(filter.Selects("api", NoLabels, []));
    }

    [Fact]
    public void Create_NullArguments_ThrowWithParamName()
    {
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => ExportFilter.Create("p", null!)).ParamName);
        Assert.Equal("peer", Assert.Throws<ArgumentException>(() => ExportFilter.Create("", new ExportPolicyOptions())).ParamName);
    }

    // A reference model of the policy written independently of CompiledRule: the filter must agree with it.
    private static bool Expected(ExportPolicyOptions options, string peer, string name, Dictionary<string, string> labels, string[] tags, string? origin)
    {
        static bool Glob(string p, string t) =>
            p.Length == 0 ? t.Length == 0
            : p[0] == '*' ? Glob(p[1..], t) || (t.Length > 0 && Glob(p, t[1..]))
            : t.Length > 0 && (p[0] == '?' || p[0] == t[0]) && Glob(p[1..], t[1..]);

        bool Matches(ExportRule r) =>
            (r.Names.Count == 0 || r.Names.Any(n => Glob(n, name)))
            && r.Tags.All(tags.Contains)
            && (r.Selector is null || (r.Selector.MatchLabels.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)
                && r.Selector.MatchExpressions.All(e => e.Operator switch
                {
                    LabelSelectorOperator.In => labels.TryGetValue(e.Key, out var v) && e.Values.Contains(v),
                    LabelSelectorOperator.NotIn => !labels.TryGetValue(e.Key, out var v) || !e.Values.Contains(v),
                    LabelSelectorOperator.Exists => labels.ContainsKey(e.Key),
                    _ => !labels.ContainsKey(e.Key),
                })));

        var loopOk = origin is null || (options.TransitiveExport && origin != peer);
        return loopOk && options.Allow.Any(Matches) && !options.Deny.Any(Matches);
    }

    private static readonly Gen<string> Word = Gen.String[Gen.Char["ab"], 1, 3];
    private static readonly Gen<string> Pattern = Gen.String[Gen.Char["ab*?"], 1, 4];

    private static readonly Gen<ExportRule> RuleGen =
        Gen.Select(Pattern.Array[0, 2], Word.Array[0, 2], Gen.Bool, Word.Array[0, 2], Gen.Enum<LabelSelectorOperator>(), Word, Word.Array[1, 2])
           .Select((names, tags, hasSelector, matchKeys, op, key, values) =>
           {
               var rule = Rule(names: names, tags: tags, selector: hasSelector
                   ? Selector(matchKeys.Distinct().ToDictionary(k => k, k => k, StringComparer.Ordinal),
                              Requirement(key, op, op is LabelSelectorOperator.In or LabelSelectorOperator.NotIn ? values : []))
                   : null);
               return rule;
           })
           .Where(r => r.Names.Count > 0 || r.Tags.Count > 0 || r.Selector is not null);

    [Fact]
    public void Allows_AnyPolicyAndEntry_AgreesWithReferenceModel() =>
        PropertyRun.Check(
            Gen.Select(RuleGen.Array[0, 3], RuleGen.Array[0, 2], Gen.Bool,
                       Gen.Select(Word, Gen.Select(Word, Word).Array[0, 3], Word.Array[0, 3], Gen.Int[0, 2].Select(i => i == 0 ? null : i == 1 ? "peer-b" : "peer-c")).Array[1, 20]), input =>
            {
                var (allow, deny, transitive, entries) = input;
                var options = new ExportPolicyOptions { TransitiveExport = transitive };
                foreach (var r in allow)
                    options.Allow.Add(r);
                foreach (var r in deny)
                    options.Deny.Add(r);
                var filter = ExportFilter.Create("peer-b", options);

                foreach (var (name, labelPairs, tags, origin) in entries)
                {
                    var labels = labelPairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
                    Assert.Equal(Expected(options, "peer-b", name, labels, tags, origin), filter.Allows(name, labels, tags, origin));
                }
            });

    [Fact]
    public void Filter_AnyCatalog_PeerReceivesOnlySelectedEntries() =>
        PropertyRun.Check(Gen.Select(CatalogGen.Entries, RuleGen.Array[1, 3], RuleGen.Array[0, 2], Gen.Bool), input =>
        {
            var (entries, allow, deny, transitive) = input;
            var options = new ExportPolicyOptions { TransitiveExport = transitive };
            foreach (var r in allow)
                options.Allow.Add(r);
            foreach (var r in deny)
                options.Deny.Add(r);
            var filter = ExportFilter.Create("peer-b", options);
            var snapshot = CatalogSnapshot.Create(entries);

            var sent = filter.Filter(snapshot).ToList();

            foreach (var entry in snapshot)
            {
                var labels = entry.Labels.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                var expected = Expected(options, "peer-b", entry.Name, labels, [.. entry.Tags], entry.Origin.PeerName);
                Assert.Equal(expected, sent.Contains(entry));
                Assert.False(entry.Origin.PeerName == "peer-b" && sent.Contains(entry), "an import was sent back to its origin");
                Assert.False(!transitive && !entry.Origin.IsLocal && sent.Contains(entry), "an import was exported without transitive export");
            }
        });
}
