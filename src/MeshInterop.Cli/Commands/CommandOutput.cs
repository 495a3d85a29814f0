using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MeshInterop.Cli.Commands;

/// <summary>
/// Where a command writes: text for people (aligned tables, colour only on a terminal that supports it and only when
/// NO_COLOR is unset) or JSON for scripts (<c>--json</c>). Errors go to the error stream in both modes.
/// </summary>
internal sealed class CommandOutput
{
    /// <summary>Exit code: the command did what was asked, and the check it made passed.</summary>
    public const int Success = 0;

    /// <summary>Exit code: the check failed (an invalid file, a refused SVID, catalogs that differ).</summary>
    public const int CheckFailed = 1;

    /// <summary>Exit code: the command could not run (a missing or unreadable input, a file it would not overwrite).</summary>
    public const int Error = 2;

    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private CommandOutput(TextWriter writer, TextWriter errors, bool color, bool json)
    {
        Writer = writer;
        Errors = errors;
        Color = color;
        IsJson = json;
    }

    /// <summary>Gets the <c>--json</c> option every command with a result accepts.</summary>
    public static Option<bool> JsonOption => new("--json") { Description = "Write the result as JSON, for scripts, instead of text for people." };

    public TextWriter Writer { get; }

    public TextWriter Errors { get; }

    public bool Color { get; }

    public bool IsJson { get; }

    public static CommandOutput For(ParseResult parseResult, Option<bool>? json = null)
    {
        var writer = parseResult.InvocationConfiguration.Output;
        var isTerminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var color = ShouldUseColor(isTerminal, Environment.GetEnvironmentVariable("NO_COLOR"), Environment.GetEnvironmentVariable("TERM"));
        return new CommandOutput(writer, parseResult.InvocationConfiguration.Error, color, json is not null && parseResult.GetValue(json));
    }

    /// <summary>Colour only on a terminal, never when NO_COLOR is set to anything (no-color.org), never on a dumb terminal.</summary>
    public static bool ShouldUseColor(bool isTerminal, string? noColor, string? term) =>
        isTerminal && string.IsNullOrEmpty(noColor) && !string.Equals(term, "dumb", StringComparison.Ordinal);

    public string Green(string text) => Paint(text, "32");

    public string Red(string text) => Paint(text, "31");

    public string Yellow(string text) => Paint(text, "33");

    public string Bold(string text) => Paint(text, "1");

    public string Dim(string text) => Paint(text, "2");

    public void Line(string text = "") => Writer.WriteLine(text);

    /// <summary>Reports a failure that stops the command, on the error stream, and returns <see cref="Error"/>.</summary>
    public int Fail(string message)
    {
        Errors.WriteLine(IsJson ? message : Paint("error: ", "31") + message);
        return Error;
    }

    /// <summary>Writes one JSON document to the output.</summary>
    public void Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, JsonOptions))
        {
            write(writer);
        }

        Writer.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>Writes rows under a header, each column as wide as its widest cell; colour codes do not count as width.</summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string indent = "  ")
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => VisibleLength(r[i])))).ToArray();
        Writer.WriteLine(indent + string.Join("  ", headers.Select((h, i) => Bold(h.PadRight(widths[i])))).TrimEnd());
        foreach (var row in all)
        {
            var cells = row.Select((cell, i) => cell + new string(' ', widths[i] - VisibleLength(cell)));
            Writer.WriteLine(indent + string.Join("  ", cells).TrimEnd());
        }
    }

    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static int VisibleLength(string text)
    {
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\u001b')
            {
                while (i < text.Length && text[i] != 'm')
                {
                    i++;
                }

                continue;
            }

            length++;
        }

        return length;
    }

    private string Paint(string text, string code) => Color ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
