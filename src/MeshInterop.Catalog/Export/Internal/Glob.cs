namespace MeshInterop.Catalog.Export.Internal;

/// <summary>
/// Ordinal glob matching: <c>*</c> matches any run of characters (also none), <c>?</c> exactly one, everything
/// else itself. No character classes and no regex, so a pattern from configuration can never be slow:
/// the greedy matcher backtracks only to the last <c>*</c> and runs in O(pattern × text) at worst.
/// </summary>
internal static class Glob
{
    internal static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]) && pattern[p] != '*')
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                // Let the last '*' swallow one more character and retry from there.
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }
}
