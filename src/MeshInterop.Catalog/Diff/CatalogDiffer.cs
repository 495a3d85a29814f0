using System.Collections.Immutable;
using MeshInterop.Catalog.Internal;

namespace MeshInterop.Catalog.Diff;

/// <summary>Computes and applies <see cref="CatalogDiff"/>s. Pure and deterministic: the same inputs always give the same diff.</summary>
public static class CatalogDiffer
{
    /// <summary>
    /// Computes the changes that turn <paramref name="before"/> into <paramref name="after"/>, ordered by key.
    /// <para/>
    /// Between revisions of one lineage (one derived from the other) this walks only the recorded changes between
    /// them: O(changes). Otherwise, or when the lineage no longer holds that much history, it compares both
    /// catalogs in key order by their cached content hashes (<see cref="CatalogEntry.ContentHash"/>): O(n).
    /// </summary>
    /// <param name="before">The earlier catalog.</param>
    /// <param name="after">The later catalog.</param>
    /// <returns>The diff; empty when the contents are equal.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static CatalogDiff Diff(CatalogSnapshot before, CatalogSnapshot after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (ReferenceEquals(before, after) || ReferenceEquals(before.Entries, after.Entries))
        {
            return CatalogDiff.Empty;
        }

        if (ReferenceEquals(before.Step.Lineage, after.Step.Lineage))
        {
            if (before.Revision <= after.Revision && TryWalk(before.Step, after.Step, out var forward))
            {
                return forward;
            }

            if (before.Revision > after.Revision && TryWalk(after.Step, before.Step, out var backward))
            {
                return backward.Inverse();
            }
        }

        return Compare(before, after);
    }

    /// <summary>
    /// Applies <paramref name="diff"/> to <paramref name="snapshot"/>, giving its next revision. Every change's old
    /// entry must equal the snapshot's entry for that key (absent for an addition), which makes
    /// <c>Apply(Apply(s, d), d.Inverse())</c> equal to <c>s</c>. All changes are checked before any is applied.
    /// </summary>
    /// <param name="snapshot">The snapshot the diff was computed from (or one with equal content).</param>
    /// <param name="diff">The diff.</param>
    /// <returns>The new snapshot; <paramref name="snapshot"/> itself for an empty diff.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="CatalogDiffMismatchException">A change does not match the snapshot; nothing was applied.</exception>
    public static CatalogSnapshot Apply(CatalogSnapshot snapshot, CatalogDiff diff)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(diff);
        return snapshot.ApplyChecked(diff);
    }

    /// <summary>Full comparison of a snapshot with a desired state sorted by key with distinct keys.</summary>
    internal static CatalogDiff Compare(CatalogSnapshot before, CatalogEntry[] afterSorted)
    {
        var changes = ImmutableArray.CreateBuilder<CatalogChange>();
        var left = before.Entries.GetEnumerator();
        var hasLeft = left.MoveNext();
        var j = 0;
        while (hasLeft || j < afterSorted.Length)
        {
            var c = !hasLeft ? 1 : j == afterSorted.Length ? -1 : left.Current.Key.CompareTo(afterSorted[j].Key);
            if (c < 0)
            {
                changes.Add(CatalogChange.Create(left.Current.Key, left.Current, null));
                hasLeft = left.MoveNext();
            }
            else if (c > 0)
            {
                changes.Add(CatalogChange.Create(afterSorted[j].Key, null, afterSorted[j]));
                j++;
            }
            else
            {
                AddIfDifferent(changes, left.Current, afterSorted[j]);
                hasLeft = left.MoveNext();
                j++;
            }
        }

        return CatalogDiff.FromSorted(changes.DrainToImmutable());
    }

    private static CatalogDiff Compare(CatalogSnapshot before, CatalogSnapshot after)
    {
        var changes = ImmutableArray.CreateBuilder<CatalogChange>();
        var left = before.Entries.GetEnumerator();
        var right = after.Entries.GetEnumerator();
        var hasLeft = left.MoveNext();
        var hasRight = right.MoveNext();
        while (hasLeft || hasRight)
        {
            // Hash first: equal content hashes (which cover the key) settle an unchanged pair without reading
            // either key string, which is most of the cost of comparing two large catalogs.
            if (hasLeft && hasRight && (ReferenceEquals(left.Current, right.Current) || left.Current.ContentHash == right.Current.ContentHash))
            {
                hasLeft = left.MoveNext();
                hasRight = right.MoveNext();
                continue;
            }

            var c = !hasLeft ? 1 : !hasRight ? -1 : left.Current.Key.CompareTo(right.Current.Key);
            if (c < 0)
            {
                changes.Add(CatalogChange.Create(left.Current.Key, left.Current, null));
                hasLeft = left.MoveNext();
            }
            else if (c > 0)
            {
                changes.Add(CatalogChange.Create(right.Current.Key, null, right.Current));
                hasRight = right.MoveNext();
            }
            else
            {
                AddIfDifferent(changes, left.Current, right.Current);
                hasLeft = left.MoveNext();
                hasRight = right.MoveNext();
            }
        }

        return CatalogDiff.FromSorted(changes.DrainToImmutable());
    }

    private static void AddIfDifferent(ImmutableArray<CatalogChange>.Builder changes, CatalogEntry oldEntry, CatalogEntry newEntry)
    {
        // Hash first and hash only: different cached hashes prove a change; equal 64-bit hashes are taken as equal
        // content. The hash is keyed per process, so a peer cannot steer a collision, and an accidental one among
        // n entries has probability about n / 2^64. Confirming every equal pair in full would read every string of
        // both catalogs, which is what keeps a 100,000-entry comparison from fitting its budget.
        if (!ReferenceEquals(oldEntry, newEntry) && oldEntry.ContentHash != newEntry.ContentHash)
        {
            changes.Add(CatalogChange.Create(oldEntry.Key, oldEntry, newEntry));
        }
    }

    /// <summary>Collects the changes recorded from <paramref name="from"/> (exclusive) to <paramref name="to"/> (inclusive).</summary>
    private static bool TryWalk(LineageStep from, LineageStep to, out CatalogDiff diff)
    {
        diff = CatalogDiff.Empty;
        var steps = new List<ImmutableArray<CatalogChange>>();
        var step = to;
        while (step.Revision > from.Revision)
        {
            var payload = step.Read();
            if (payload is null)
            {
                return false;   // history dropped: the caller compares in full
            }

            steps.Add(payload.Changes);
            step = payload.Parent;
        }

        if (!ReferenceEquals(step, from))
        {
            return false;       // a sibling branch of the lineage, not an ancestor
        }

        if (steps.Count == 0)
        {
            return true;
        }

        if (steps.Count == 1)
        {
            diff = CatalogDiff.FromSorted(steps[0]);
            return true;
        }

        // Coalesce per key: the oldest old entry and the newest new entry; drop keys that came back to where they were.
        var net = new Dictionary<ServiceKey, (CatalogEntry? Old, CatalogEntry? New)>();
        for (var i = steps.Count - 1; i >= 0; i--)
        {
            foreach (var change in steps[i])
            {
                net[change.Key] = net.TryGetValue(change.Key, out var seen) ? (seen.Old, change.New) : (change.Old, change.New);
            }
        }

        var changes = new List<CatalogChange>(net.Count);
        foreach (var (key, (oldEntry, newEntry)) in net)
        {
            if (!Equals(oldEntry, newEntry))
            {
                changes.Add(CatalogChange.Create(key, oldEntry, newEntry));
            }
        }

        changes.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        diff = CatalogDiff.FromSorted([.. changes]);
        return true;
    }
}
