using System.ComponentModel.DataAnnotations;
using MeshInterop.Catalog.Validation;

namespace MeshInterop.Catalog.Tests.Validation;

public sealed class CatalogEntryValidatorTests
{
    private static readonly CatalogEntryValidator Lenient = new();
    private static readonly CatalogEntryValidator Strict = new(new CatalogValidationOptions { Mode = CatalogValidationMode.Strict });

    private static KeyValuePair<string, string> P(string k, string v) => new(k, v);

    /// <summary>A complete, canonical v1alpha2 service: valid in strict mode.</summary>
    private static CatalogEntry Valid() => new()
    {
        Key = new ServiceKey("db"),
        Name = "db",
        Fqdn = "db.mysql.com",
        SubjectAlternativeNames = ["URI:spiffe://mysql.com/ns/db/sa/db"],
        Endpoints =
        [
            new CatalogEndpoint { Address = "203.0.113.10", Port = 15443, Labels = ["east"] },
            new CatalogEndpoint { Address = "gw.mysql.com", Port = 15443, Labels = ["west"] },
        ],
        Instances =
        [
            new CatalogInstance { Id = "i1", Protocol = "TLS", EndpointSelector = ["east"], Metadata = StringMap.Create(P("SNI", "db.mysql.com"), P("PORT", "3306")) },
            new CatalogInstance { Id = "i2", Protocol = "tcp", EndpointSelector = ["west"] },
        ],
        Ports = [new ServicePort { Name = "mysql", Port = 3306, Protocol = "TCP" }],
    };

    private static string[] Paths(CatalogValidationResult result) => [.. result.Errors.Select(e => e.Path)];

    [Fact]
    public void Validate_CompleteEntry_IsValidInBothModes()
    {
        Assert.True(Strict.Validate(Valid()).IsValid, Strict.Validate(Valid()).ToString());
        Assert.True(Lenient.Validate(Valid()).IsValid);
    }

    [Fact]
    public void Validate_SparseReferenceObject_LenientAcceptsStrictReportsEveryMissingField()
    {
        var sparse = new CatalogEntry
        {
            Key = new ServiceKey("db"),
            Fqdn = "db.mysql.com",
            Endpoints = [new CatalogEndpoint { Address = "10.0.0.1", Port = 443 }],
            Instances = [new CatalogInstance { Id = "i1", Protocol = "HTTP" }],
        };

        Assert.True(Lenient.Validate(sparse).IsValid);
        Assert.Equal(["name", "subjectAlternativeNames", "endpoints[0].labels", "instances[0].endpointSelector"], Paths(Strict.Validate(sparse)));
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEachWithItsPath()
    {
        var entry = Valid() with
        {
            Key = new ServiceKey(string.Empty),
            Fqdn = "-bad-.example",
            Endpoints =
            [
                new CatalogEndpoint { Address = "300.1.1.1", Port = 0 },
                new CatalogEndpoint { Address = "10.0.0.0/8", Port = 65536 },
            ],
            Instances =
            [
                new CatalogInstance { Id = "i1", Protocol = "UDP" },
                new CatalogInstance { Id = "i1", Protocol = "" },
            ],
            Ports = [new ServicePort { Name = "Web_Port", Port = 70000, TargetPort = -1, Protocol = "QUIC" }],
        };

        var result = Lenient.Validate(entry);

        Assert.Equal(
            [
                "key", "fqdn",
                "endpoints[0].address", "endpoints[0].port",
                "endpoints[1].address", "endpoints[1].port",
                "instances[0].protocol", "instances[1].id", "instances[1].protocol",
                "ports[0].name", "ports[0].port", "ports[0].targetPort", "ports[0].protocol",
            ],
            Paths(result));
        // Paths index the canonical order: the instance without a protocol sorts first.
        Assert.StartsWith("is required", result.Errors[6].Message, StringComparison.Ordinal);
        Assert.Equal("instances[1].protocol: 'UDP' is not one of HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP, TLS, MTLS", result.Errors[8].ToString());
        Assert.Equal("endpoints[0].address: '10.0.0.0/8' is a CIDR range, which only v1alpha1 allows", result.Errors[2].ToString());
    }

    [Fact]
    public void Validate_CidrInV1Alpha1_Accepted()
    {
        var v1 = new CatalogEntryValidator(new CatalogValidationOptions { ResourceVersion = HamletResourceVersion.V1Alpha1 });
        var entry = new CatalogEntry
        {
            Key = new ServiceKey("foo.acme.com"),
            Endpoints = [new CatalogEndpoint { Address = "10.0.0.0/8", Port = 443 }, new CatalogEndpoint { Address = "2001:db8::/32", Port = 443 }],
        };

        Assert.True(v1.Validate(entry).IsValid, v1.Validate(entry).ToString());
    }

    [Fact]
    public void Validate_V1Alpha1Strict_RequiresSniSanProtocolsAndEndpoints()
    {
        var v1Strict = new CatalogEntryValidator(new CatalogValidationOptions { ResourceVersion = HamletResourceVersion.V1Alpha1, Mode = CatalogValidationMode.Strict });

        var result = v1Strict.Validate(new CatalogEntry { Key = new ServiceKey("foo") });

        Assert.Equal(["fqdn", "subjectAlternativeNames", "protocols", "sni", "endpoints"], Paths(result));
    }

    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("gw.mesh-b.example", true)]
    [InlineData("GW.Mesh-B.example", true)]
    [InlineData("localhost", true)]
    [InlineData("010.0.0.1", false)]
    [InlineData("10.0.0", false)]
    [InlineData("10.0.0.256", false)]
    [InlineData("0x7f.0.0.1", false)]
    [InlineData("fe80::1%eth0", false)]
    [InlineData("[2001:db8::1]", false)]
    [InlineData("gw_1.example", false)]
    [InlineData("-gw.example", false)]
    [InlineData("gw..example", false)]
    [InlineData("gw.example.", false)]
    [InlineData("gw example", false)]
    public void Validate_EndpointAddress_AcceptsOnlyIpOrDnsName(string address, bool valid)
    {
        var entry = Valid() with { Endpoints = [new CatalogEndpoint { Address = address, Port = 443, Labels = ["a"] }] };

        var result = Lenient.Validate(entry);

        Assert.Equal(valid ? [] : ["endpoints[0].address"], Paths(result));
    }

    [Fact]
    public void Validate_DnsLabelTooLong_Rejected()
    {
        var entry = Valid() with { Fqdn = new string('a', 64) + ".example" };

        Assert.Equal(["fqdn"], Paths(Lenient.Validate(entry)));
    }

    [Fact]
    public void Validate_UpperCaseFqdn_LenientAcceptsStrictRejects()
    {
        var entry = Valid() with { Fqdn = "DB.mysql.com" };

        Assert.True(Lenient.Validate(entry).IsValid);
        Assert.Equal(["fqdn"], Paths(Strict.Validate(entry)));
    }

    [Fact]
    public void Validate_MetadataKeysDifferingInCaseWithDifferentValues_Rejected()
    {
        var entry = Valid() with
        {
            Instances = [new CatalogInstance { Id = "i1", Protocol = "TLS", EndpointSelector = ["east"], Metadata = StringMap.Create(P("sni", "a.example"), P("SNI", "b.example")) }],
        };

        var result = Lenient.Validate(entry);

        Assert.Equal("instances[0].metadata[\"SNI\"]: appears in several letter cases with different values", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Validate_LowerCaseReservedKeyAndBadPort_LenientChecksValueStrictAlsoSpelling()
    {
        var entry = Valid() with
        {
            Instances = [new CatalogInstance { Id = "i1", Protocol = "HTTP", EndpointSelector = ["east"], Metadata = StringMap.Create(P("port", "08080"), P("cert", "x")) }],
        };

        Assert.Equal(["instances[0].metadata[\"port\"]"], Paths(Lenient.Validate(entry)));
        Assert.Equal(["instances[0].metadata[\"port\"]", "instances[0].metadata[\"port\"]"], Paths(Strict.Validate(entry)));
    }

    [Theory]
    [InlineData("spiffe://mysql.com/ns/db", true)]
    [InlineData("URI:spiffe://MySQL.com/ns/DB", true)]
    [InlineData("  uri:spiffe://mysql.com  ", true)]
    [InlineData("DNS:db.mysql.com", true)]
    [InlineData("spiffe://", false)]
    [InlineData("spiffe://mysql.com/ns//db", false)]
    [InlineData("spiffe://mysql.com/ns/db/", false)]
    [InlineData("spiffe://mysql.com/ns/../db", false)]
    [InlineData("spiffe://mysql.com:8443/ns/db", false)]
    [InlineData("spiffe://user@mysql.com/ns/db", false)]
    [InlineData("spiffe://mysql.com/ns/db?x=1", false)]
    [InlineData("URI:", false)]
    public void Validate_SubjectAlternativeName_SpiffeRules(string san, bool valid)
    {
        var entry = Valid() with { SubjectAlternativeNames = [san] };

        Assert.Equal(valid ? [] : ["subjectAlternativeNames[0]"], Paths(Lenient.Validate(entry)));
    }

    [Fact]
    public void Validate_SizeLimits_ReportStringCollectionAndEntrySize()
    {
        var validator = new CatalogEntryValidator(new CatalogValidationOptions { MaxSmallCollectionCount = 2, MaxEntryBytes = 1024, MaxDescriptionLength = 10 });
        var entry = Valid() with
        {
            Description = new string('d', 11),
            Tags = ["a", "b", "c"],
            Labels = StringMap.Create(P("k", new string('v', 2000))),
        };

        var result = validator.Validate(entry);

        Assert.Equal(["", "description", "tags", "labels[\"k\"]"], Paths(result));
        Assert.Contains("the limit is 1024", result.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HostileEntry_StopsAtMaxErrors()
    {
        var validator = new CatalogEntryValidator(new CatalogValidationOptions { MaxErrors = 5 });
        var entry = Valid() with { Endpoints = [.. Enumerable.Range(0, 100).Select(i => new CatalogEndpoint { Address = "bad address " + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Port = 0 })] };

        var result = validator.Validate(entry);

        Assert.Equal(5, result.Errors.Length);
        Assert.Contains("more than 4 problems", result.Errors[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ControlCharacters_RejectedInNamesAllowedAsLineBreaksInDescriptions()
    {
        var entry = Valid() with { Name = "db\n", Description = "line one\nline two" };

        Assert.Equal(["name"], Paths(Lenient.Validate(entry)));
    }

    [Fact]
    public void Validate_DuplicatePortNamesAndNumbers_Reported()
    {
        var entry = Valid() with { Ports = [new ServicePort { Name = "web", Port = 80 }, new ServicePort { Name = "web", Port = 80 }] };

        Assert.Equal(["ports[1].name", "ports[1].port"], Paths(Lenient.Validate(entry)));
    }

    [Fact]
    public void ThrowIfInvalid_Invalid_ThrowsWithEveryError()
    {
        var entry = Valid() with { Fqdn = string.Empty, Instances = [new CatalogInstance { Id = "i1", Protocol = "FTP" }] };

        var ex = Assert.Throws<CatalogValidationException>(() => Strict.Validate(entry).ThrowIfInvalid());

        Assert.Equal(["fqdn", "instances[0].protocol", "instances[0].endpointSelector"], ex.Errors.Select(e => e.Path));
        Assert.StartsWith("Service 'db' is invalid: fqdn: is required; instances[0].protocol:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_OptionOutOfRange_Throws()
    {
        Assert.Throws<ValidationException>(() => new CatalogEntryValidator(new CatalogValidationOptions { MaxErrors = 0 }));
    }

    [Fact]
    public void Constructor_OptionsChangedLater_ValidatorUnaffected()
    {
        var options = new CatalogValidationOptions();
        var validator = new CatalogEntryValidator(options);

        options.Mode = CatalogValidationMode.Strict;

        Assert.True(validator.Validate(Valid() with { Name = string.Empty }).IsValid);
    }

    [Fact]
    public void Validate_DefaultEndpointValue_ReportsAddressAndPort()
    {
        var entry = Valid() with { Endpoints = [default] };

        Assert.Equal(["endpoints[0].address", "endpoints[0].port"], Paths(Lenient.Validate(entry)));
    }
}
