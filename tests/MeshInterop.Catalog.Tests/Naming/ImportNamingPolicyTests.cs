using CsCheck;
using MeshInterop.Catalog.Naming;
using MeshInterop.Catalog.Naming.Internal;
using MeshInterop.Catalog.Tests.Generators;

namespace MeshInterop.Catalog.Tests.Naming;

public sealed class ImportNamingPolicyTests
{
    [Fact]
    public void Resolve_DefaultPolicy_UsesPeerPrefixAndKeepsOwnerFqdn()
    {
        var name = ImportNamingPolicy.Default.Resolve("nsxsm", "httpbin", "httpbin.default.svc.nsxsm.example");

        Assert.Equal(new ImportName("nsxsm-httpbin", "httpbin.default.svc.nsxsm.example", Shortened: false), name);
    }

    [Fact]
    public void Resolve_SuffixStyle_AppendsAlias()
    {
        var policy = new ImportNamingPolicy(new ImportNamingOptions(), new Dictionary<string, ImportNamingOptions>
        {
            ["mesh-b"] = new() { Style = ImportNameStyle.Suffix, Alias = "west" },
        });

        Assert.Equal("httpbin-west", policy.Resolve("mesh-b", "httpbin", null).LocalName);
        Assert.Equal("mesh-a-httpbin", policy.Resolve("mesh-a", "httpbin", null).LocalName);
    }

    [Fact]
    public void Resolve_Template_RendersPlaceholders()
    {
        var policy = new ImportNamingPolicy(new ImportNamingOptions
        {
            Style = ImportNameStyle.Template,
            NameTemplate = "imp-{name}-from-{peer}",
            FqdnTemplate = "{local}.{peer}.mesh.internal",
        });

        var name = policy.Resolve("nsxsm", "httpbin", "httpbin.default.svc.nsxsm.example");

        Assert.Equal("imp-httpbin-from-nsxsm", name.LocalName);
        Assert.Equal("imp-httpbin-from-nsxsm.nsxsm.mesh.internal", name.Fqdn);
    }

    [Fact]
    public void Resolve_FqdnTemplateWithOwnerFqdn_LowerCasesIt()
    {
        var policy = new ImportNamingPolicy(new ImportNamingOptions { FqdnTemplate = "{fqdn}.{peer}.global" });

        Assert.Equal("httpbin.nsxsm.example.nsxsm.global", policy.Resolve("nsxsm", "httpbin", "HttpBin.NSXSM.example").Fqdn);
    }

    [Fact]
    public void TryResolve_FqdnTemplateNeedsMissingFqdn_ReturnsError()
    {
        var policy = new ImportNamingPolicy(new ImportNamingOptions { FqdnTemplate = "{fqdn}.global" });

        Assert.False(policy.TryResolve("nsxsm", "httpbin", null, out _, out var error));
        Assert.Contains("no FQDN", error, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => policy.Resolve("nsxsm", "httpbin", null));
    }

    [Fact]
    public void TryResolve_FqdnTooLong_ReturnsErrorNamingPeerAndService()
    {
        var policy = new ImportNamingPolicy(new ImportNamingOptions { FqdnTemplate = "{local}.{fqdn}" });
        var longFqdn = string.Join('.', Enumerable.Repeat(new string('a', 60), 4));

        Assert.False(policy.TryResolve("nsxsm", "httpbin", longFqdn, out _, out var error));
        Assert.Contains("'nsxsm'", error, StringComparison.Ordinal);
        Assert.Contains("'httpbin'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_InvalidCharacters_FoldsToLabel()
    {
        var name = ImportNamingPolicy.Default.Resolve("Mesh_B", "Http.Bin_v2", null);

        Assert.Equal("mesh-b-http-bin-v2", name.LocalName);
        Assert.False(name.Shortened);
    }

    [Fact]
    public void Resolve_LongName_TruncatesWithStableHashAndKeepsPrefix()
    {
        var service = new string('s', 80);

        var first = ImportNamingPolicy.Default.Resolve("nsxsm", service, null);
        var again = new ImportNamingPolicy(new ImportNamingOptions()).Resolve("nsxsm", service, null);

        Assert.True(first.Shortened);
        Assert.Equal(63, first.LocalName.Length);
        Assert.StartsWith("nsxsm-sss", first.LocalName, StringComparison.Ordinal);
        Assert.True(DnsLabel.IsValid(first.LocalName));
        Assert.Equal(first, again);
    }

    [Fact]
    public void Resolve_LongNamesSharingStem_GetDifferentNames()
    {
        var stem = new string('a', 70);

        var one = ImportNamingPolicy.Default.Resolve("nsxsm", stem + "-one", null).LocalName;
        var two = ImportNamingPolicy.Default.Resolve("nsxsm", stem + "-two", null).LocalName;

        Assert.NotEqual(one, two);
        Assert.Equal(one[..^8], two[..^8]);
    }

    [Fact]
    public void Resolve_LongNameSuffixStyle_KeepsSuffix()
    {
        var policy = new ImportNamingPolicy(new ImportNamingOptions { Style = ImportNameStyle.Suffix });

        var name = policy.Resolve("nsxsm", new string('x', 70), null).LocalName;

        Assert.EndsWith("-nsxsm", name, StringComparison.Ordinal);
        Assert.Equal(63, name.Length);
    }

    [Fact]
    public void Resolve_LongPeerName_ShortensAliasDeterministically()
    {
        var peer = new string('p', 70);

        var name = ImportNamingPolicy.Default.Resolve(peer, "httpbin", null).LocalName;

        Assert.True(DnsLabel.IsValid(name));
        Assert.EndsWith("-httpbin", name, StringComparison.Ordinal);
        Assert.Equal(name, ImportNamingPolicy.Default.Resolve(peer, "httpbin", null).LocalName);
    }

    [Fact]
    public void Resolve_NameWithoutUsableCharacters_UsesHash()
    {
        var name = ImportNamingPolicy.Default.Resolve("nsxsm", "___", null);

        Assert.Matches("^nsxsm-[a-z2-7]{8}$", name.LocalName);
        Assert.True(name.Shortened);
    }

    [Fact]
    public void Resolve_EmptyArguments_ThrowWithParamName()
    {
        Assert.Equal("peer", Assert.Throws<ArgumentException>(() => ImportNamingPolicy.Default.Resolve("", "a", null)).ParamName);
        Assert.Equal("serviceName", Assert.Throws<ArgumentNullException>(() => ImportNamingPolicy.Default.Resolve("p", null!, null)).ParamName);
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblemWithPath()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ImportNamingPolicy(
            new ImportNamingOptions { Style = ImportNameStyle.Template },
            new Dictionary<string, ImportNamingOptions>
            {
                ["b"] = new() { Alias = "Not_A_Label", FqdnTemplate = "{nope}.x" },
                ["c"] = new() { Style = ImportNameStyle.Template, NameTemplate = "{peer}-only" },
            }));

        Assert.Contains("Defaults:NameTemplate: required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Peers:b:Alias", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Peers:b:FqdnTemplate: unknown placeholder '{nope}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Peers:c:NameTemplate: '{peer}-only' must contain {name}", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{name", "has no closing")]
    [InlineData("X-{name}", "character 'X' at position 0")]
    [InlineData("{name}.{peer}", "character '.' at position 6")]
    public void Validate_BadNameTemplate_ExplainsWhere(string template, string expected)
    {
        var errors = ImportNamingPolicy.Validate(new ImportNamingOptions { Style = ImportNameStyle.Template, NameTemplate = template });

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NameTemplateWithoutTemplateStyle_IsRejected()
    {
        var errors = ImportNamingPolicy.Validate(new ImportNamingOptions { NameTemplate = "{name}" });

        Assert.Single(errors);
    }

    [Fact]
    public void Constructor_AliasInDefaults_IsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ImportNamingPolicy(new ImportNamingOptions { Alias = "x" }));

        Assert.Contains("Defaults:Alias", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_OptionsChangedAfterwards_PolicyUnchanged()
    {
        var options = new ImportNamingOptions();
        var policy = new ImportNamingPolicy(options);

        options.Style = ImportNameStyle.Suffix;

        Assert.Equal("p-svc", policy.Resolve("p", "svc", null).LocalName);
    }

    [Fact]
    public void FindCollisions_TwoPairsToOneName_ReportsBothSorted()
    {
        var policy = new ImportNamingPolicy(new ImportNamingOptions { Style = ImportNameStyle.Template, NameTemplate = "{name}" });

        var collisions = policy.FindCollisions([new("b", "web"), new("a", "web"), new("a", "api"), new("a", "web")]);

        var collision = Assert.Single(collisions);
        Assert.Equal(new ImportNameCollision("web", [new("a", "web"), new("b", "web")]), collision);
    }

    [Fact]
    public void FindCollisions_PrefixAmbiguity_IsReported()
    {
        // "a-b" + "c" and "a" + "b-c" both give "a-b-c": the prefix form is not injective, and the policy says so.
        var collisions = ImportNamingPolicy.Default.FindCollisions([new("a-b", "c"), new("a", "b-c")]);

        Assert.Equal("a-b-c", Assert.Single(collisions).LocalName);
    }

    private static readonly Gen<string> AnyText = Gen.OneOf(
        Gen.String[Gen.Char["abc-._XYZ09é"], 0, 90],
        Gen.String[0, 80],
        Gen.String[Gen.Char["ab"], 60, 70]);

    [Fact]
    public void Resolve_AnyInput_GivesValidLabelDeterministically() =>
        PropertyRun.Check(Gen.Select(AnyText.Where(s => s.Length > 0), AnyText.Where(s => s.Length > 0), Gen.Enum<ImportNameStyle>()), input =>
        {
            var (peer, service, style) = input;
            var options = new ImportNamingOptions { Style = style, NameTemplate = style == ImportNameStyle.Template ? "x-{name}-{peer}" : null };
            var name = new ImportNamingPolicy(options).Resolve(peer, service, null);

            Assert.True(DnsLabel.IsValid(name.LocalName), $"'{name.LocalName}' is not a DNS-1123 label");
            Assert.Equal(name, new ImportNamingPolicy(options).Resolve(peer, service, null));
        });

    [Fact]
    public void FindCollisions_AnyNames_ReportsEverySharedLocalName() =>
        PropertyRun.Check(Gen.Select(Gen.String[Gen.Char["ab-"], 1, 4], Gen.String[Gen.Char["ab-_"], 1, 5]).Array[1, 30], pairs =>
        {
            var sources = pairs.Select(p => new PeerServiceName(p.Item1, p.Item2)).ToArray();
            var reported = ImportNamingPolicy.Default.FindCollisions(sources).ToDictionary(c => c.LocalName, StringComparer.Ordinal);

            foreach (var group in sources.Distinct().GroupBy(s => ImportNamingPolicy.Default.Resolve(s.Peer, s.Name, null).LocalName, StringComparer.Ordinal))
            {
                if (group.Count() > 1)
                    Assert.Equal(group.ToHashSet(), reported[group.Key].Sources.ToHashSet());
                else
                    Assert.False(reported.ContainsKey(group.Key));
            }
        });
}
