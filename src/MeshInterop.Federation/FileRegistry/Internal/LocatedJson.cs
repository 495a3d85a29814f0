using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MeshInterop.Federation.FileRegistry.Internal;

/// <summary>
/// A JSON value that remembers where it starts in the file. System.Text.Json's DOM drops positions, and people
/// editing a registry file need the line of every problem, not only of syntax errors.
/// </summary>
internal abstract class LocatedJson(long offset)
{
    public long Offset { get; } = offset;

    public abstract string KindName { get; }

    /// <summary>Reads one document; comments and trailing commas are allowed, as in appsettings.json.</summary>
    /// <exception cref="JsonException">The text is not JSON; the exception carries the line and byte position.</exception>
    public static LocatedJson Parse(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            MaxDepth = maxDepth,
        });
        if (!reader.Read())
        {
            throw new JsonException("The file is empty; it must hold one JSON object.", null, 0, 0);
        }

        var root = ReadValue(ref reader);
        if (reader.Read())
        {
            throw new JsonException("Unexpected content after the end of the JSON document.");
        }

        return root;
    }

    private static LocatedJson ReadValue(ref Utf8JsonReader reader)
    {
        var offset = reader.TokenStartIndex;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var members = new List<LocatedMember>();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var nameOffset = reader.TokenStartIndex;
                    var name = reader.GetString()!;
                    reader.Read();
                    members.Add(new LocatedMember(name, nameOffset, ReadValue(ref reader)));
                }

                return new LocatedObject(offset, members);
            case JsonTokenType.StartArray:
                var items = new List<LocatedJson>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader));
                }

                return new LocatedArray(offset, items);
            case JsonTokenType.String:
                return new LocatedString(offset, reader.GetString()!);
            case JsonTokenType.Number:
                return new LocatedNumber(offset, Encoding.UTF8.GetString(reader.ValueSpan));
            case JsonTokenType.True:
            case JsonTokenType.False:
                return new LocatedLiteral(offset, reader.TokenType == JsonTokenType.True ? "true" : "false");
            default:
                return new LocatedLiteral(offset, "null");
        }
    }
}

internal sealed record LocatedMember(string Name, long NameOffset, LocatedJson Value);

internal sealed class LocatedObject(long offset, List<LocatedMember> members) : LocatedJson(offset)
{
    public IReadOnlyList<LocatedMember> Members { get; } = members;

    public override string KindName => "an object";
}

internal sealed class LocatedArray(long offset, List<LocatedJson> items) : LocatedJson(offset)
{
    public IReadOnlyList<LocatedJson> Items { get; } = items;

    public override string KindName => "an array";
}

internal sealed class LocatedString(long offset, string value) : LocatedJson(offset)
{
    public string Value { get; } = value;

    public override string KindName => "a string";
}

internal sealed class LocatedNumber(long offset, string text) : LocatedJson(offset)
{
    public string Text { get; } = text;

    public override string KindName => "a number";

    public bool TryGetInt32(out int value) =>
        int.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}

internal sealed class LocatedLiteral(long offset, string text) : LocatedJson(offset)
{
    public string Text { get; } = text;

    public override string KindName => Text == "null" ? "null" : "a boolean";
}

/// <summary>Turns byte offsets into 1-based line and column numbers (columns count characters, not bytes).</summary>
internal sealed class LineMap
{
    private readonly byte[] _text;
    private readonly List<long> _lineStarts = [0];

    public LineMap(ReadOnlySpan<byte> utf8)
    {
        _text = utf8.ToArray();
        for (var i = 0; i < _text.Length; i++)
        {
            if (_text[i] == (byte)'\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public (int Line, int Column) Locate(long offset)
    {
        var index = _lineStarts.BinarySearch(offset);
        var line = index >= 0 ? index : ~index - 1;
        var start = _lineStarts[line];
        var length = (int)Math.Clamp(offset - start, 0, _text.Length - start);
        var column = Encoding.UTF8.GetCharCount(_text, (int)start, length) + 1;
        return (line + 1, column);
    }
}
