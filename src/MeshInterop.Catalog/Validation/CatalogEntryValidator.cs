using System.Collections.Immutable;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using MeshInterop.Catalog.Internal;

namespace MeshInterop.Catalog.Validation;

/// <summary>
/// Checks entries against the Hamlet rules (R15, R20, G21, G22, sections 7.4 and 7.5) and the size limits, and
/// returns every problem at once with the path of the offending field. Never throws for bad content. Thread-safe.
/// <para/>
/// Paths use the camelCase (proto3 JSON) field names and index the model's collections in their canonical order,
/// for example <c>instances[1].protocol</c> or <c>labels["team"]</c>.
/// </summary>
public sealed class CatalogEntryValidator
{
    private static readonly string ProtocolList = string.Join(", ", ServiceProtocols.All);

    private readonly CatalogValidationOptions _options;

    /// <summary>Initializes a new instance of the <see cref="CatalogEntryValidator"/> class.</summary>
    /// <param name="options">The rules and limits; <see langword="null"/> for the lenient v1alpha2 defaults.</param>
    /// <exception cref="ValidationException">An option is out of its documented range.</exception>
    public CatalogEntryValidator(CatalogValidationOptions? options = null)
    {
        options ??= new CatalogValidationOptions();
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);

        // Copy, so that later changes to the caller's options cannot change a validator in use.
        _options = new CatalogValidationOptions
        {
            Mode = options.Mode,
            ResourceVersion = options.ResourceVersion,
            MaxNameLength = options.MaxNameLength,
            MaxValueLength = options.MaxValueLength,
            MaxDescriptionLength = options.MaxDescriptionLength,
            MaxSmallCollectionCount = options.MaxSmallCollectionCount,
            MaxEndpoints = options.MaxEndpoints,
            MaxInstances = options.MaxInstances,
            MaxEntryBytes = options.MaxEntryBytes,
            MaxErrors = options.MaxErrors,
        };
    }

    /// <summary>Validates one entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>Every problem found (up to <see cref="CatalogValidationOptions.MaxErrors"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    public CatalogValidationResult Validate(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var check = new Check(_options);
        try
        {
            ValidateEntry(entry, check);
        }
        catch (TooManyErrors)
        {
            // The collector is full; what it holds is the answer.
        }

        return new CatalogValidationResult(entry.Key, check.Errors);
    }

    private static void ValidateEntry(CatalogEntry entry, Check check)
    {
        var o = check.Options;
        var strict = o.Mode == CatalogValidationMode.Strict;
        var v1 = o.ResourceVersion == HamletResourceVersion.V1Alpha1;

        var size = EstimateSize(entry);
        if (size > o.MaxEntryBytes)
        {
            check.Add(string.Empty, $"the entry is about {size.ToString(CultureInfo.InvariantCulture)} bytes; the limit is {o.MaxEntryBytes.ToString(CultureInfo.InvariantCulture)}");
        }

        if (entry.Key.IsEmpty)
        {
            check.Add("key", "is required");
        }
        else
        {
            check.Identifier("key", entry.Key.Name, o.MaxNameLength);
        }

        if (entry.Name.Length == 0)
        {
            if (strict && !v1)
            {
                check.Add("name", "is required");
            }
        }
        else
        {
            check.Identifier("name", entry.Name, o.MaxNameLength);
        }

        if (entry.Fqdn.Length == 0)
        {
            if (!v1 || strict)
            {
                check.Add("fqdn", "is required");
            }
        }
        else if (!HostSyntax.IsDnsName(entry.Fqdn, lowerCaseOnly: false))
        {
            check.Add("fqdn", $"'{Shorten(entry.Fqdn)}' is not a DNS name (labels of letters, digits and '-', at most 63 characters each and 253 in all)");
        }
        else if (strict && !HostSyntax.IsDnsName(entry.Fqdn, lowerCaseOnly: true))
        {
            check.Add("fqdn", $"'{entry.Fqdn}' must be lower case (a DNS-1123 subdomain)");
        }

        check.FreeText("description", entry.Description);
        check.StringSet("tags", entry.Tags, required: false);
        check.Map("labels", entry.Labels);

        var sans = entry.SubjectAlternativeNames;
        if (sans.IsEmpty && strict)
        {
            check.Add("subjectAlternativeNames", "at least one SAN is required");
        }

        if (check.Count("subjectAlternativeNames", sans.Length, o.MaxSmallCollectionCount))
        {
            for (var i = 0; i < sans.Length; i++)
            {
                if (!check.Length($"subjectAlternativeNames[{i}]", sans[i], o.MaxValueLength))
                {
                    continue;
                }

                if (HostSyntax.HasControlCharacter(sans[i], allowLineBreaks: false))
                {
                    check.Add($"subjectAlternativeNames[{i}]", "contains a control character");
                }
                else if (!SubjectAlternativeNames.IsValid(sans[i], out var problem))
                {
                    check.Add($"subjectAlternativeNames[{i}]", $"'{Shorten(sans[i])}' {problem}");
                }
            }
        }

        if (entry.Protocols.IsEmpty && strict && v1)
        {
            check.Add("protocols", "at least one protocol is required");
        }

        check.StringSet("protocols", entry.Protocols, required: false);

        if (entry.Sni.Length == 0)
        {
            if (strict && v1)
            {
                check.Add("sni", "is required (the v1alpha1 id)");
            }
        }
        else
        {
            check.Identifier("sni", entry.Sni, o.MaxNameLength);
        }

        ValidateEndpoints(entry, check, strict, v1);
        ValidateInstances(entry, check, strict, v1);
        ValidatePorts(entry, check);

        if (entry.Locality is { } locality)
        {
            check.OptionalIdentifier("locality.region", locality.Region, o.MaxNameLength);
            check.OptionalIdentifier("locality.zone", locality.Zone, o.MaxNameLength);
            check.OptionalIdentifier("locality.subzone", locality.Subzone, o.MaxNameLength);
        }

        if (!Enum.IsDefined(entry.Health))
        {
            check.Add("health", $"{((int)entry.Health).ToString(CultureInfo.InvariantCulture)} is not a known health status");
        }
    }

    private static void ValidateEndpoints(CatalogEntry entry, Check check, bool strict, bool v1)
    {
        var o = check.Options;
        var endpoints = entry.Endpoints;
        if (endpoints.IsEmpty && strict)
        {
            check.Add("endpoints", "at least one endpoint is required");
        }

        if (!check.Count("endpoints", endpoints.Length, o.MaxEndpoints))
        {
            return;
        }

        for (var i = 0; i < endpoints.Length; i++)
        {
            var endpoint = endpoints[i];
            if (endpoint.Address.Length == 0)
            {
                check.Add($"endpoints[{i}].address", "is required");
            }
            else if (endpoint.Address.Length > HostSyntax.MaxDnsNameLength)
            {
                check.Add($"endpoints[{i}].address", $"is longer than {HostSyntax.MaxDnsNameLength} characters");
            }
            else if (!HostSyntax.IsIPAddress(endpoint.Address) && !HostSyntax.IsDnsName(endpoint.Address, lowerCaseOnly: false))
            {
                if (HostSyntax.IsCidr(endpoint.Address))
                {
                    if (!v1)
                    {
                        check.Add($"endpoints[{i}].address", $"'{endpoint.Address}' is a CIDR range, which only v1alpha1 allows");
                    }
                }
                else
                {
                    check.Add($"endpoints[{i}].address", $"'{Shorten(endpoint.Address)}' is neither an IP address nor a DNS name");
                }
            }

            check.Port($"endpoints[{i}].port", endpoint.Port, required: true);
            if (endpoint.Labels.IsEmpty && strict && !v1)
            {
                check.Add($"endpoints[{i}].labels", "at least one label is required");
            }

            check.StringSet($"endpoints[{i}].labels", endpoint.Labels, required: false);
            check.FreeText($"endpoints[{i}].description", endpoint.Description);
        }
    }

    private static void ValidateInstances(CatalogEntry entry, Check check, bool strict, bool v1)
    {
        var o = check.Options;
        var instances = entry.Instances;
        if (instances.IsEmpty && strict && !v1)
        {
            check.Add("instances", "at least one instance is required");
        }

        if (!check.Count("instances", instances.Length, o.MaxInstances))
        {
            return;
        }

        for (var i = 0; i < instances.Length; i++)
        {
            var instance = instances[i];
            if (instance.Id.Length == 0)
            {
                check.Add($"instances[{i}].id", "is required");
            }
            else
            {
                check.Identifier($"instances[{i}].id", instance.Id, o.MaxNameLength);
                if (i > 0 && string.Equals(instances[i - 1].Id, instance.Id, StringComparison.Ordinal))
                {
                    check.Add($"instances[{i}].id", $"'{Shorten(instance.Id)}' is also the ID of instances[{i - 1}]; instance IDs must be unique");
                }
            }

            if (instance.Protocol.Length == 0)
            {
                check.Add($"instances[{i}].protocol", $"is required; use one of {ProtocolList}");
            }
            else if (!ServiceProtocols.TryGetCanonical(instance.Protocol, out _))
            {
                check.Add($"instances[{i}].protocol", $"'{Shorten(instance.Protocol)}' is not one of {ProtocolList}");
            }

            ValidateMetadata($"instances[{i}].metadata", instance.Metadata, check, strict);

            if (instance.EndpointSelector.IsEmpty && strict && !v1)
            {
                check.Add($"instances[{i}].endpointSelector", "at least one label is required");
            }

            check.StringSet($"instances[{i}].endpointSelector", instance.EndpointSelector, required: false);
            check.FreeText($"instances[{i}].description", instance.Description);
        }
    }

    private static void ValidateMetadata(string path, StringMap metadata, Check check, bool strict)
    {
        check.Map(path, metadata);
        if (!InstanceMetadataKeys.TryNormalize(metadata, out var normalized, out var conflictingKey))
        {
            check.Add($"{path}[\"{conflictingKey}\"]", "appears in several letter cases with different values");
            return;
        }

        foreach (var pair in metadata.Pairs)
        {
            if (InstanceMetadataKeys.TryGetReserved(pair.Key, out var canonical) && strict && !string.Equals(canonical, pair.Key, StringComparison.Ordinal))
            {
                check.Add($"{path}[\"{pair.Key}\"]", $"is a reserved key; spell it '{canonical}'");
            }
        }

        if (normalized.TryGetValue(InstanceMetadataKeys.Port, out var port)
            && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535 && port[0] != '0'))
        {
            check.Add($"{path}[\"{KeyAsGiven(metadata, InstanceMetadataKeys.Port)}\"]", $"'{Shorten(port)}' is not a decimal port 1-65535");
        }

        if (normalized.TryGetValue(InstanceMetadataKeys.Hostname, out var hostname) && !HostSyntax.IsDnsName(hostname, lowerCaseOnly: false))
        {
            check.Add($"{path}[\"{KeyAsGiven(metadata, InstanceMetadataKeys.Hostname)}\"]", $"'{Shorten(hostname)}' is not a DNS name");
        }
    }

    private static void ValidatePorts(CatalogEntry entry, Check check)
    {
        var ports = entry.Ports;
        if (!check.Count("ports", ports.Length, check.Options.MaxInstances))
        {
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Length; i++)
        {
            var port = ports[i];
            if (port.Name.Length > 0)
            {
                if (!HostSyntax.IsDnsLabel(port.Name, lowerCaseOnly: true))
                {
                    check.Add($"ports[{i}].name", $"'{Shorten(port.Name)}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)");
                }
                else if (!names.Add(port.Name))
                {
                    check.Add($"ports[{i}].name", $"'{port.Name}' names another port too; port names must be unique");
                }
            }

            check.Port($"ports[{i}].port", port.Port, required: true);
            if (i > 0 && ports[i - 1].Port == port.Port)
            {
                check.Add($"ports[{i}].port", $"{port.Port.ToString(CultureInfo.InvariantCulture)} is also the number of ports[{i - 1}]; port numbers must be unique");
            }

            check.Port($"ports[{i}].targetPort", port.TargetPort, required: false);
            if (port.Protocol.Length > 0 && !ServiceProtocols.TryGetCanonical(port.Protocol, out _))
            {
                check.Add($"ports[{i}].protocol", $"'{Shorten(port.Protocol)}' is not one of {ProtocolList}");
            }
        }
    }

    private static string KeyAsGiven(StringMap metadata, string canonical)
    {
        foreach (var pair in metadata.Pairs)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(pair.Key, canonical))
            {
                return pair.Key;
            }
        }

        return canonical;
    }

    private static string Shorten(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 61), "...");

    private static long EstimateSize(CatalogEntry entry)
    {
        // UTF-16 length approximates the UTF-8 bytes of mostly-ASCII content; a few bytes per field for framing.
        const int Field = 4;
        long size = entry.Key.Name.Length + entry.Name.Length + entry.Fqdn.Length + entry.Description.Length + entry.Sni.Length + (8 * Field);
        size += SizeOfList(entry.Tags) + SizeOfMap(entry.Labels) + SizeOfList(entry.SubjectAlternativeNames) + SizeOfList(entry.Protocols);
        foreach (var endpoint in entry.Endpoints)
        {
            size += endpoint.Address.Length + endpoint.Description.Length + SizeOfList(endpoint.Labels) + (4 * Field);
        }

        foreach (var instance in entry.Instances)
        {
            size += instance.Id.Length + instance.Protocol.Length + instance.Description.Length + SizeOfMap(instance.Metadata) + SizeOfList(instance.EndpointSelector) + (5 * Field);
        }

        foreach (var port in entry.Ports)
        {
            size += port.Name.Length + port.Protocol.Length + (4 * Field);
        }

        return size;

        static long SizeOfList(ImmutableArray<string> values)
        {
            long total = 0;
            foreach (var value in values)
            {
                total += value.Length + Field;
            }

            return total;
        }

        static long SizeOfMap(StringMap map)
        {
            long total = 0;
            foreach (var pair in map.Pairs)
            {
                total += pair.Key.Length + pair.Value.Length + (2 * Field);
            }

            return total;
        }
    }

    private sealed class TooManyErrors : Exception;

    /// <summary>Collects problems, up to the limit, and holds the shared field checks.</summary>
    private sealed class Check(CatalogValidationOptions options)
    {
        private readonly ImmutableArray<CatalogValidationError>.Builder _errors = ImmutableArray.CreateBuilder<CatalogValidationError>();

        public CatalogValidationOptions Options { get; } = options;

        public ImmutableArray<CatalogValidationError> Errors => _errors.ToImmutable();

        public void Add(string path, string message)
        {
            if (_errors.Count == Options.MaxErrors - 1)
            {
                _errors.Add(new CatalogValidationError(string.Empty, $"more than {(Options.MaxErrors - 1).ToString(CultureInfo.InvariantCulture)} problems; the rest are not listed"));
                throw new TooManyErrors();
            }

            _errors.Add(new CatalogValidationError(path, message));
        }

        /// <summary>Reports a collection over its limit; false means its items are not checked (bounded work on hostile input).</summary>
        public bool Count(string path, int count, int limit)
        {
            if (count <= limit)
            {
                return true;
            }

            Add(path, $"holds {count.ToString(CultureInfo.InvariantCulture)} items; the limit is {limit.ToString(CultureInfo.InvariantCulture)}");
            return false;
        }

        public bool Length(string path, string value, int limit)
        {
            if (value.Length <= limit)
            {
                return true;
            }

            Add(path, $"is {value.Length.ToString(CultureInfo.InvariantCulture)} characters long; the limit is {limit.ToString(CultureInfo.InvariantCulture)}");
            return false;
        }

        public void Identifier(string path, string value, int limit)
        {
            if (Length(path, value, limit) && HostSyntax.HasControlCharacter(value, allowLineBreaks: false))
            {
                Add(path, "contains a control character");
            }
        }

        public void OptionalIdentifier(string path, string value, int limit)
        {
            if (value.Length > 0)
            {
                Identifier(path, value, limit);
            }
        }

        public void FreeText(string path, string value)
        {
            if (Length(path, value, Options.MaxDescriptionLength) && HostSyntax.HasControlCharacter(value, allowLineBreaks: true))
            {
                Add(path, "contains a control character other than tab or line break");
            }
        }

        public void StringSet(string path, ImmutableArray<string> values, bool required)
        {
            if (required && values.IsEmpty)
            {
                Add(path, "at least one value is required");
            }

            if (!Count(path, values.Length, Options.MaxSmallCollectionCount))
            {
                return;
            }

            for (var i = 0; i < values.Length; i++)
            {
                if (values[i].Length == 0)
                {
                    Add($"{path}[{i}]", "is empty");
                }
                else
                {
                    Identifier($"{path}[{i}]", values[i], Options.MaxValueLength);
                }
            }
        }

        public void Map(string path, StringMap map)
        {
            if (!Count(path, map.Count, Options.MaxSmallCollectionCount))
            {
                return;
            }

            foreach (var pair in map.Pairs)
            {
                if (pair.Key.Length == 0)
                {
                    Add($"{path}[\"\"]", "has an empty key");
                    continue;
                }

                var keyPath = $"{path}[\"{Shorten(pair.Key)}\"]";
                if (pair.Key.Length > Options.MaxValueLength || HostSyntax.HasControlCharacter(pair.Key, allowLineBreaks: false))
                {
                    Add(keyPath, $"has a key longer than {Options.MaxValueLength.ToString(CultureInfo.InvariantCulture)} characters or with a control character");
                }

                if (pair.Value.Length > Options.MaxValueLength || HostSyntax.HasControlCharacter(pair.Value, allowLineBreaks: false))
                {
                    Add(keyPath, $"has a value longer than {Options.MaxValueLength.ToString(CultureInfo.InvariantCulture)} characters or with a control character");
                }
            }
        }

        public void Port(string path, int port, bool required)
        {
            if (port == 0 && !required)
            {
                return;
            }

            if (port is < 1 or > 65535)
            {
                Add(path, $"{port.ToString(CultureInfo.InvariantCulture)} is not a port; use 1-65535");
            }
        }
    }
}
