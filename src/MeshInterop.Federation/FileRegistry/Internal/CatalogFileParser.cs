using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;

namespace MeshInterop.Federation.FileRegistry.Internal;

/// <summary>
/// Reads a catalog file into entries, reporting every problem with its file, line and field. Structure and types
/// are checked here; the rules for an entry's content are <see cref="CatalogEntryValidator"/>'s, whose paths (in the
/// model's canonical order) are mapped back to the place in the file they came from.
/// </summary>
internal sealed class CatalogFileParser
{
    private const int MaxDepth = 16;

    private static readonly string[] ServiceFields =
    [
        "key", "name", "fqdn", "description", "tags", "labels", "subjectAlternativeNames", "protocols", "sni",
        "endpoints", "instances", "ports", "locality", "health", "origin",
    ];

    private static readonly string[] EndpointFields = ["address", "port", "labels", "description"];
    private static readonly string[] InstanceFields = ["id", "protocol", "metadata", "endpointSelector", "description"];
    private static readonly string[] PortFields = ["name", "port", "protocol", "targetPort"];
    private static readonly string[] LocalityFields = ["region", "zone", "subzone"];
    private static readonly string[] OriginFields = ["peer", "key"];

    private readonly string _file;
    private readonly LineMap _lines;
    private readonly CatalogEntryValidator _validator;
    private readonly bool _allowOrigin;
    private readonly List<CatalogFileError> _errors = [];

    private CatalogFileParser(string file, LineMap lines, CatalogEntryValidator validator, bool allowOrigin)
    {
        _file = file;
        _lines = lines;
        _validator = validator;
        _allowOrigin = allowOrigin;
    }

    public static CatalogFileReadResult Parse(ReadOnlySpan<byte> utf8, string file, CatalogEntryValidator validator, bool allowOrigin)
    {
        // A UTF-8 byte order mark is common from Windows editors and carries no meaning.
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            utf8 = utf8[3..];
        }

        var parser = new CatalogFileParser(file, new LineMap(utf8), validator, allowOrigin);
        LocatedJson root;
        try
        {
            root = LocatedJson.Parse(utf8, MaxDepth);
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            return new CatalogFileReadResult(file, [], [new CatalogFileError(file, line, column, string.Empty, "is not valid JSON: " + FirstSentence(ex.Message))]);
        }

        var entries = parser.ReadDocument(root);
        return new CatalogFileReadResult(file, entries, [.. parser._errors]);
    }

    public static CatalogFileError Whole(string file, string message) => new(file, 0, 0, string.Empty, message);

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends its own "LineNumber: … | BytePositionInLine: …" which the error already carries.
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }

    private ImmutableArray<CatalogEntry> ReadDocument(LocatedJson root)
    {
        if (root is not LocatedObject document)
        {
            Error(root, string.Empty, $"the file must hold a JSON object with a \"services\" array, found {root.KindName}");
            return [];
        }

        LocatedArray? services = null;
        foreach (var member in document.Members)
        {
            switch (member.Name)
            {
                case "services":
                    services = Expect<LocatedArray>(member.Value, "services");
                    break;
                case "$schema":
                    break;
                default:
                    Error(member.NameOffset, member.Name, "is not a known field; the file holds \"services\" only");
                    break;
            }
        }

        if (services is null)
        {
            if (!document.Members.Any(m => m.Name == "services"))
            {
                Error(document, "services", "is required: an array of services (it may be empty)");
            }

            return [];
        }

        var entries = ImmutableArray.CreateBuilder<CatalogEntry>(services.Items.Count);
        var firstByKey = new Dictionary<ServiceKey, (int Index, LocatedJson Node)>();
        for (var i = 0; i < services.Items.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"services[{i}]");
            var entry = new ServiceReader(this, path).Read(services.Items[i], out var keyNode);
            if (entry is null)
            {
                continue;
            }

            if (firstByKey.TryGetValue(entry.Key, out var first))
            {
                var (line, _) = _lines.Locate(first.Node.Offset);
                Error(keyNode, path + ".key", string.Create(CultureInfo.InvariantCulture, $"'{entry.Key}' is also the key of services[{first.Index}] (line {line}); service keys must be unique"));
                continue;
            }

            firstByKey.Add(entry.Key, (i, keyNode));
            entries.Add(entry);
        }

        entries.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        return entries.DrainToImmutable();
    }

    private T? Expect<T>(LocatedJson node, string field)
        where T : LocatedJson
    {
        if (node is T typed)
        {
            return typed;
        }

        var expected = typeof(T) == typeof(LocatedArray) ? "an array"
            : typeof(T) == typeof(LocatedObject) ? "an object"
            : typeof(T) == typeof(LocatedString) ? "a string"
            : "a number";
        Error(node, field, $"expected {expected}, found {node.KindName}");
        return null;
    }

    private void Error(LocatedJson node, string field, string message) => Error(node.Offset, field, message);

    private void Error(long offset, string field, string message)
    {
        var (line, column) = _lines.Locate(offset);
        _errors.Add(new CatalogFileError(_file, line, column, field, message));
    }

    /// <summary>Reads one service, remembering where each model path came from in the file.</summary>
    private sealed class ServiceReader(CatalogFileParser parser, string prefix)
    {
        private readonly Dictionary<string, (LocatedJson Node, string Field)> _locations = new(StringComparer.Ordinal);
        private int _errorsBefore;

        public CatalogEntry? Read(LocatedJson node, out LocatedJson keyNode)
        {
            keyNode = node;
            _errorsBefore = parser._errors.Count;
            if (parser.Expect<LocatedObject>(node, prefix) is not { } service)
            {
                return null;
            }

            Register(string.Empty, service, prefix);
            var fields = Members(service, prefix, ServiceFields, string.Empty);
            var name = String(fields, "name") ?? string.Empty;
            var key = String(fields, "key") ?? name;
            keyNode = fields.TryGetValue("key", out var k) ? k.Value : fields.TryGetValue("name", out var n) ? n.Value : service;
            if (!fields.ContainsKey("key") && fields.TryGetValue("name", out var nameMember))
            {
                Register("key", nameMember.Value, prefix + ".name");
            }

            var fqdn = String(fields, "fqdn") ?? string.Empty;
            var description = String(fields, "description") ?? string.Empty;
            var sni = String(fields, "sni") ?? string.Empty;
            var labels = Map(fields, "labels", "labels");
            var tags = StringArray(fields, "tags", out var tagNodes);
            var protocols = StringArray(fields, "protocols", out var protocolNodes);
            var sans = StringArray(fields, "subjectAlternativeNames", out var sanNodes);
            var endpoints = ObjectArray(fields, "endpoints", ReadEndpoint);
            var instances = ObjectArray(fields, "instances", ReadInstance);
            var ports = ObjectArray(fields, "ports", ReadPort);
            var locality = ReadLocality(fields);
            var origin = ReadOrigin(fields);
            var health = ReadHealth(fields);

            // A value of the wrong type is reported once, here; the validator would only repeat it as "missing".
            if (parser._errors.Count > _errorsBefore)
            {
                return null;
            }

            var entry = new CatalogEntry
            {
                Key = new ServiceKey(key),
                Name = name,
                Fqdn = fqdn,
                Description = description,
                Sni = sni,
                Tags = tags,
                Protocols = protocols,
                SubjectAlternativeNames = sans,
                Labels = labels,
                Endpoints = [.. endpoints.Select(e => e.Value)],
                Instances = [.. instances.Select(i => i.Value)],
                Ports = [.. ports.Select(p => p.Value)],
                Locality = locality,
                Health = health,
                Origin = origin,
            };

            MapStrings("tags", entry.Tags, tagNodes, static s => s);
            MapStrings("protocols", entry.Protocols, protocolNodes, ServiceProtocols.Normalize);
            for (var i = 0; i < sanNodes.Count; i++)
            {
                Register(Index("subjectAlternativeNames", i), sanNodes[i], Index(prefix + ".subjectAlternativeNames", i));
            }

            MapObjects("endpoints", entry.Endpoints, endpoints, (path, endpoint, item) =>
                MapStrings(path + ".labels", endpoint.Labels, item.Labels, static s => s));
            MapObjects("instances", entry.Instances, instances, (path, instance, item) =>
                MapStrings(path + ".endpointSelector", instance.EndpointSelector, item.Labels, static s => s));
            MapObjects<ServicePort>("ports", entry.Ports, ports, null);

            var result = parser._validator.Validate(entry);
            foreach (var error in result.Errors)
            {
                var (located, field) = Resolve(error.Path);
                parser.Error(located, field, error.Message);
            }

            return result.IsValid ? entry : null;
        }

        private static string Index(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

        private static string Key(string path, string key) => $"{path}[\"{key}\"]";

        private void Register(string modelPath, LocatedJson node, string field) => _locations[modelPath] = (node, field);

        private (LocatedJson Node, string Field) Resolve(string modelPath)
        {
            var path = modelPath;
            while (true)
            {
                if (_locations.TryGetValue(path, out var found))
                {
                    var rest = modelPath[path.Length..];
                    return (found.Node, path.Length == 0 && rest.Length > 0 && rest[0] != '[' ? found.Field + "." + rest : found.Field + rest);
                }

                var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
                path = cut > 0 ? path[..cut] : string.Empty;
            }
        }

        /// <summary>Reads an object's members, reporting unknown ones, and registers each under its model path.</summary>
        private Dictionary<string, LocatedMember> Members(LocatedObject node, string field, string[] known, string? modelPath)
        {
            var members = new Dictionary<string, LocatedMember>(StringComparer.Ordinal);
            foreach (var member in node.Members)
            {
                var memberField = field + "." + member.Name;
                if (Array.IndexOf(known, member.Name) < 0 || (member.Name == "origin" && !parser._allowOrigin && ReferenceEquals(known, ServiceFields)))
                {
                    var hint = member.Name == "origin"
                        ? "is written by the file sink for imported services; a registry file lists this mesh's own services"
                        : $"is not a known field; expected one of {string.Join(", ", known)}";
                    parser.Error(member.NameOffset, memberField, hint);
                    continue;
                }

                members[member.Name] = member;
                if (modelPath is not null)
                {
                    Register(modelPath.Length == 0 ? member.Name : modelPath + "." + member.Name, member.Value, memberField);
                }
            }

            return members;
        }

        private string? String(Dictionary<string, LocatedMember> fields, string name, string? field = null)
        {
            if (!fields.TryGetValue(name, out var member) || member.Value is LocatedLiteral { Text: "null" })
            {
                return null;
            }

            return parser.Expect<LocatedString>(member.Value, field ?? prefix + "." + name)?.Value;
        }

        private int Int(Dictionary<string, LocatedMember> fields, string name, string field)
        {
            if (!fields.TryGetValue(name, out var member))
            {
                return 0;
            }

            if (parser.Expect<LocatedNumber>(member.Value, field) is not { } number)
            {
                return 0;
            }

            if (!number.TryGetInt32(out var value))
            {
                parser.Error(number, field, $"'{number.Text}' is not a whole number in range");
            }

            return value;
        }

        private ImmutableArray<string> StringArray(Dictionary<string, LocatedMember> fields, string name, out List<LocatedJson> nodes, string? field = null)
        {
            nodes = [];
            field ??= prefix + "." + name;
            if (!fields.TryGetValue(name, out var member) || parser.Expect<LocatedArray>(member.Value, field) is not { } array)
            {
                return [];
            }

            var values = ImmutableArray.CreateBuilder<string>(array.Items.Count);
            for (var i = 0; i < array.Items.Count; i++)
            {
                if (parser.Expect<LocatedString>(array.Items[i], Index(field, i)) is { } text)
                {
                    values.Add(text.Value);
                    nodes.Add(text);
                }
            }

            return values.DrainToImmutable();
        }

        private StringMap Map(Dictionary<string, LocatedMember> fields, string name, string? modelPath, string? field = null)
        {
            field ??= prefix + "." + name;
            if (!fields.TryGetValue(name, out var member) || parser.Expect<LocatedObject>(member.Value, field) is not { } map)
            {
                return StringMap.Empty;
            }

            var pairs = new List<KeyValuePair<string, string>>(map.Members.Count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var pair in map.Members)
            {
                var pairField = Key(field, pair.Name);
                if (!seen.Add(pair.Name))
                {
                    parser.Error(pair.NameOffset, pairField, "appears twice; keys must be unique");
                }
                else if (parser.Expect<LocatedString>(pair.Value, pairField) is { } value)
                {
                    pairs.Add(new(pair.Name, value.Value));
                    if (modelPath is not null)
                    {
                        Register(Key(modelPath, pair.Name), pair.Value, pairField);
                    }
                }
            }

            return parser._errors.Count > _errorsBefore ? StringMap.Empty : StringMap.Create(pairs);
        }

        private List<Item<T>> ObjectArray<T>(Dictionary<string, LocatedMember> fields, string name, Func<LocatedObject, string, Item<T>> read)
        {
            var items = new List<Item<T>>();
            var field = prefix + "." + name;
            if (!fields.TryGetValue(name, out var member) || parser.Expect<LocatedArray>(member.Value, field) is not { } array)
            {
                return items;
            }

            for (var i = 0; i < array.Items.Count; i++)
            {
                if (parser.Expect<LocatedObject>(array.Items[i], Index(field, i)) is { } item)
                {
                    items.Add(read(item, Index(field, i)));
                }
            }

            return items;
        }

        private Item<CatalogEndpoint> ReadEndpoint(LocatedObject node, string field)
        {
            var fields = Members(node, field, EndpointFields, null);
            var labels = StringArray(fields, "labels", out var labelNodes, field + ".labels");
            var endpoint = new CatalogEndpoint
            {
                Address = String(fields, "address", field + ".address") ?? string.Empty,
                Port = Int(fields, "port", field + ".port"),
                Labels = labels,
                Description = String(fields, "description", field + ".description") ?? string.Empty,
            };
            return new Item<CatalogEndpoint>(endpoint, node, field, fields, labelNodes);
        }

        private Item<CatalogInstance> ReadInstance(LocatedObject node, string field)
        {
            var fields = Members(node, field, InstanceFields, null);
            var selector = StringArray(fields, "endpointSelector", out var selectorNodes, field + ".endpointSelector");
            var instance = new CatalogInstance
            {
                Id = String(fields, "id", field + ".id") ?? string.Empty,
                Protocol = String(fields, "protocol", field + ".protocol") ?? string.Empty,
                Metadata = Map(fields, "metadata", null, field + ".metadata"),
                EndpointSelector = selector,
                Description = String(fields, "description", field + ".description") ?? string.Empty,
            };
            return new Item<CatalogInstance>(instance, node, field, fields, selectorNodes);
        }

        private Item<ServicePort> ReadPort(LocatedObject node, string field)
        {
            var fields = Members(node, field, PortFields, null);
            var port = new ServicePort
            {
                Name = String(fields, "name", field + ".name") ?? string.Empty,
                Port = Int(fields, "port", field + ".port"),
                Protocol = String(fields, "protocol", field + ".protocol") ?? string.Empty,
                TargetPort = Int(fields, "targetPort", field + ".targetPort"),
            };
            return new Item<ServicePort>(port, node, field, fields, []);
        }

        private ServiceLocality? ReadLocality(Dictionary<string, LocatedMember> fields)
        {
            var field = prefix + ".locality";
            if (!fields.TryGetValue("locality", out var member) || parser.Expect<LocatedObject>(member.Value, field) is not { } node)
            {
                return null;
            }

            var parts = Members(node, field, LocalityFields, "locality");
            return new ServiceLocality
            {
                Region = String(parts, "region", field + ".region") ?? string.Empty,
                Zone = String(parts, "zone", field + ".zone") ?? string.Empty,
                Subzone = String(parts, "subzone", field + ".subzone") ?? string.Empty,
            };
        }

        private ServiceHealth ReadHealth(Dictionary<string, LocatedMember> fields)
        {
            var text = String(fields, "health");
            switch (text)
            {
                case null or "unknown":
                    return ServiceHealth.Unknown;
                case "passing":
                    return ServiceHealth.Passing;
                case "warning":
                    return ServiceHealth.Warning;
                case "critical":
                    return ServiceHealth.Critical;
                default:
                    parser.Error(fields["health"].Value, prefix + ".health", $"'{text}' is not one of unknown, passing, warning, critical");
                    return ServiceHealth.Unknown;
            }
        }

        private CatalogOrigin ReadOrigin(Dictionary<string, LocatedMember> fields)
        {
            var field = prefix + ".origin";
            if (!fields.TryGetValue("origin", out var member) || parser.Expect<LocatedObject>(member.Value, field) is not { } node)
            {
                return CatalogOrigin.Local;
            }

            var parts = Members(node, field, OriginFields, "origin");
            var peer = String(parts, "peer", field + ".peer");
            if (string.IsNullOrEmpty(peer))
            {
                parser.Error(node, field + ".peer", "is required: the name of the peer the service was imported from");
                return CatalogOrigin.Local;
            }

            return CatalogOrigin.FromPeer(peer, new ServiceKey(String(parts, "key", field + ".key") ?? string.Empty));
        }

        /// <summary>Registers each canonical element of a string set under the file element it came from.</summary>
        private void MapStrings(string modelPath, ImmutableArray<string> canonical, List<LocatedJson> nodes, Func<string, string> normalize)
        {
            var used = new bool[nodes.Count];
            for (var i = 0; i < canonical.Length; i++)
            {
                for (var j = 0; j < nodes.Count; j++)
                {
                    if (!used[j] && nodes[j] is LocatedString text && string.Equals(normalize(text.Value), canonical[i], StringComparison.Ordinal))
                    {
                        used[j] = true;
                        var fileField = _locations.TryGetValue(modelPath, out var parent) ? Index(parent.Field, ArrayIndexOf(parent.Node, text)) : modelPath;
                        Register(Index(modelPath, i), text, fileField);
                        break;
                    }
                }
            }
        }

        private static int ArrayIndexOf(LocatedJson array, LocatedJson item) =>
            array is LocatedArray a ? a.Items.ToList().IndexOf(item) : 0;

        /// <summary>Registers each canonical element of a list under the file element it came from, and its fields.</summary>
        private void MapObjects<T>(string name, ImmutableArray<T> canonical, List<Item<T>> items, Action<string, T, Item<T>>? nested)
        {
            var used = new bool[items.Count];
            for (var i = 0; i < canonical.Length; i++)
            {
                for (var j = 0; j < items.Count; j++)
                {
                    if (used[j] || !EqualityComparer<T>.Default.Equals(items[j].Value, canonical[i]))
                    {
                        continue;
                    }

                    used[j] = true;
                    var item = items[j];
                    var modelPath = Index(name, i);
                    Register(modelPath, item.Node, item.Field);
                    foreach (var (fieldName, member) in item.Fields)
                    {
                        Register(modelPath + "." + fieldName, member.Value, item.Field + "." + fieldName);
                        if (fieldName == "metadata" && member.Value is LocatedObject metadata)
                        {
                            foreach (var pair in metadata.Members)
                            {
                                Register(Key(modelPath + ".metadata", pair.Name), pair.Value, Key(item.Field + ".metadata", pair.Name));
                            }
                        }
                    }

                    nested?.Invoke(modelPath, canonical[i], item);
                    break;
                }
            }
        }

        private sealed record Item<T>(T Value, LocatedObject Node, string Field, Dictionary<string, LocatedMember> Fields, List<LocatedJson> Labels);
    }
}
