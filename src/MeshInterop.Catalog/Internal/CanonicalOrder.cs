using System.Collections.Immutable;

namespace MeshInterop.Catalog.Internal;

/// <summary>Puts sets and lists into the one canonical (ordinal) order, so equal content is equal everywhere downstream.</summary>
internal static class CanonicalOrder
{
    /// <summary>Returns the strings sorted ordinally without duplicates; returns the same array when it already is.</summary>
    public static ImmutableArray<string> SortedSet(ImmutableArray<string> values)
    {
        if (values.IsDefaultOrEmpty)
        {
            return [];
        }

        var canonical = true;
        for (var i = 0; i < values.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(values[i], nameof(values));
            if (i > 0 && string.CompareOrdinal(values[i - 1], values[i]) >= 0)
            {
                canonical = false;
            }
        }

        if (canonical)
        {
            return values;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        var count = 1;
        for (var i = 1; i < sorted.Length; i++)
        {
            if (!string.Equals(sorted[i], sorted[count - 1], StringComparison.Ordinal))
            {
                sorted[count++] = sorted[i];
            }
        }

        return ImmutableArray.Create(sorted, 0, count);
    }

    /// <summary>Returns the items sorted by <paramref name="comparer"/> (duplicates kept); the same array when already sorted.</summary>
    public static ImmutableArray<T> Sorted<T>(ImmutableArray<T> values, IComparer<T> comparer)
        where T : class
    {
        if (values.IsDefaultOrEmpty)
        {
            return [];
        }

        var canonical = true;
        for (var i = 0; i < values.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(values[i], nameof(values));
            if (i > 0 && comparer.Compare(values[i - 1], values[i]) > 0)
            {
                canonical = false;
            }
        }

        if (canonical)
        {
            return values;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted, comparer);
        return ImmutableArray.Create(sorted);
    }

    /// <summary>Returns the values sorted by <paramref name="comparison"/> (duplicates kept); the same array when already sorted.</summary>
    public static ImmutableArray<T> SortedValues<T>(ImmutableArray<T> values, Comparison<T> comparison)
        where T : struct
    {
        if (values.IsDefaultOrEmpty)
        {
            return [];
        }

        for (var i = 1; i < values.Length; i++)
        {
            if (comparison(values[i - 1], values[i]) > 0)
            {
                var sorted = values.ToArray();
                Array.Sort(sorted, comparison);
                return ImmutableArray.Create(sorted);
            }
        }

        return values;
    }

    public static bool ValuesEqual<T>(ImmutableArray<T> left, ImmutableArray<T> right)
        where T : struct, IEquatable<T>
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            if (!left[i].Equals(right[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns the strings with nulls rejected, order kept (for lists whose order means something).</summary>
    public static ImmutableArray<string> List(ImmutableArray<string> values)
    {
        if (values.IsDefaultOrEmpty)
        {
            return [];
        }

        foreach (var value in values)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(values));
        }

        return values;
    }

    public static bool SequenceEqual(ImmutableArray<string> left, ImmutableArray<string> right)
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            if (!string.Equals(left[i], right[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public static bool SequenceEqual<T>(ImmutableArray<T> left, ImmutableArray<T> right)
        where T : class, IEquatable<T>
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            if (!ReferenceEquals(left[i], right[i]) && !left[i].Equals(right[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static int CompareSequences(ImmutableArray<string> left, ImmutableArray<string> right)
    {
        var common = Math.Min(left.Length, right.Length);
        for (var i = 0; i < common; i++)
        {
            var c = string.CompareOrdinal(left[i], right[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return left.Length.CompareTo(right.Length);
    }

    public static void AddTo(ref ContentHasher hasher, ImmutableArray<string> values)
    {
        hasher.Add(values.Length);
        foreach (var value in values)
        {
            hasher.Add(value);
        }
    }
}
