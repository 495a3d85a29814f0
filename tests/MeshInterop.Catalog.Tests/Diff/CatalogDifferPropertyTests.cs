using CsCheck;
using MeshInterop.Catalog.Diff;
using MeshInterop.Catalog.Tests.Generators;

namespace MeshInterop.Catalog.Tests.Diff;

/// <summary>The algebra of diff and apply, over random catalogs and change sequences (fixed seeds in CI).</summary>
public sealed class CatalogDifferPropertyTests
{
    private static void AssertSameContent(CatalogSnapshot expected, CatalogSnapshot actual) =>
        Assert.Equal(expected.ToArray(), actual.ToArray());

    [Fact]
    public void ApplyOfDiff_UnrelatedSnapshots_GivesTarget() =>
        PropertyRun.Check(Gen.Select(CatalogGen.Entries, CatalogGen.Entries), t =>
        {
            var (a, b) = t;
            var before = CatalogSnapshot.Create(a);
            var after = CatalogSnapshot.Create(b);
            AssertSameContent(after, CatalogDiffer.Apply(before, CatalogDiffer.Diff(before, after)));
        });

    [Fact]
    public void ApplyOfDiff_SameLineage_GivesTargetAndMatchesFullComparison() =>
        PropertyRun.Check(Gen.Select(CatalogGen.Entries, CatalogGen.Batches, CatalogGen.Batches), t =>
        {
            var (entries, first, second) = t;
            var start = CatalogSnapshot.Create(entries);
            var middle = first.Aggregate(start, (s, batch) => batch.ApplyTo(s));
            var end = second.Aggregate(middle, (s, batch) => batch.ApplyTo(s));

            var viaHistory = CatalogDiffer.Diff(middle, end);
            var viaContent = CatalogDiffer.Diff(CatalogSnapshot.Create(middle), CatalogSnapshot.Create(end));

            Assert.Equal(viaContent.Changes, viaHistory.Changes);
            AssertSameContent(end, CatalogDiffer.Apply(middle, viaHistory));
        });

    [Fact]
    public void DiffOfSelf_IsEmpty() =>
        PropertyRun.Check(CatalogGen.Entries, entries =>
        {
            var snapshot = CatalogSnapshot.Create(entries);
            Assert.True(CatalogDiffer.Diff(snapshot, snapshot).IsEmpty);
            Assert.True(CatalogDiffer.Diff(snapshot, CatalogSnapshot.Create(entries.Reverse())).IsEmpty);
        });

    [Fact]
    public void Inverse_UndoesApply() =>
        PropertyRun.Check(Gen.Select(CatalogGen.Entries, CatalogGen.Batches), t =>
        {
            var (entries, batches) = t;
            var start = CatalogSnapshot.Create(entries);
            var end = batches.Aggregate(start, (s, batch) => batch.ApplyTo(s));
            var diff = CatalogDiffer.Diff(start, end);

            AssertSameContent(start, CatalogDiffer.Apply(end, diff.Inverse()));
            Assert.Equal(diff.Changes, diff.Inverse().Inverse().Changes);
        });

    [Fact]
    public void Diff_IsOrderedByKeyWithOneChangePerKey() =>
        PropertyRun.Check(Gen.Select(CatalogGen.Entries, CatalogGen.Entries), t =>
        {
            var (a, b) = t;
            var diff = CatalogDiffer.Diff(CatalogSnapshot.Create(a), CatalogSnapshot.Create(b));
            for (var i = 1; i < diff.Count; i++)
            {
                Assert.True(diff[i - 1].Key < diff[i].Key);
            }
        });
}
