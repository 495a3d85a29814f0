using System.Globalization;

namespace MeshInterop.Federation.FileRegistry;

/// <summary>One problem in a catalog file, with where it is: the file, the line and column, and the field.</summary>
/// <param name="File">The file path as given to the reader.</param>
/// <param name="Line">The 1-based line, or 0 when the problem concerns the file as a whole (for example, it is missing).</param>
/// <param name="Column">The 1-based column in characters, or 0 with <paramref name="Line"/>.</param>
/// <param name="Field">
/// The field in the file, such as <c>services[1].endpoints[0].port</c>, with indexes in the order the file lists
/// them; empty for the document as a whole.
/// </param>
/// <param name="Message">What is wrong and, where it helps, what to do about it.</param>
public sealed record CatalogFileError(string File, int Line, int Column, string Field, string Message)
{
    /// <summary>Formats the error as <c>file:line:column: field: message</c>, the form compilers and editors understand.</summary>
    /// <returns>The formatted error.</returns>
    public override string ToString()
    {
        var where = Line > 0 ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}") : File;
        return Field.Length == 0 ? $"{where}: {Message}" : $"{where}: {Field}: {Message}";
    }
}
