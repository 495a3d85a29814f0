using System.Collections.Immutable;
using System.Globalization;
using CsCheck;
using MeshInterop.Catalog.Diff;
using MeshInterop.Catalog.Internal;
using MeshInterop.Catalog.Tests.Generators;

namespace MeshInterop.Catalog.Tests.Internal;

/// <summary>The B+tree against a sorted dictionary as the model, over batches large enough to split, merge and collapse levels.</summary>
public sealed class EntryTreeTests
{
    private static CatalogEntry Entry(int key, int version) => new()
    {
        Key = new ServiceKey("k" + key.ToString("D5", CultureInfo.InvariantCulture)),
        Description = version.ToString(CultureInfo.InvariantCulture),
    };

    // A batch: (key, version) where version 0 removes the key.
    private static readonly Gen<(int Key, int Version)[]> Batch =
        Gen.Frequency(
            (3, Gen.Select(Gen.Int[0, 3000], Gen.Int[0, 3]).Array[0, 400]),
            (1, Gen.Select(Gen.Int[0, 3000], Gen.Const(0)).Array[0, 2000]));

    [Fact]
    public void Update_RandomBatches_MatchesSortedDictionaryModel() =>
        PropertyRun.Check(Batch.Array[1, 12], batches =>
        {
            var tree = EntryTree.Empty;
            var model = new SortedDictionary<ServiceKey, CatalogEntry>();
            foreach (var batch in batches)
            {
                var writes = batch
                    .GroupBy(w => w.Key).Select(g => g.Last())
                    .Select(w => new EntryWrite(Entry(w.Key, 0).Key, w.Version == 0 ? null : Entry(w.Key, w.Version)))
                    .OrderBy(w => w.Key)
                    .ToArray();

                var expectedChanges = new List<CatalogChange>();
                foreach (var write in writes)
                {
                    model.TryGetValue(write.Key, out var old);
                    if (!Equals(old, write.Value))
                    {
                        expectedChanges.Add(old is null ? CatalogChange.Added(write.Value!) : write.Value is null ? CatalogChange.Removed(old) : CatalogChange.Updated(old, write.Value));
                    }

                    if (write.Value is null)
                    {
                        model.Remove(write.Key);
                    }
                    else if (old is null || !old.Equals(write.Value))
                    {
                        model[write.Key] = write.Value;
                    }
                }

                var changes = ImmutableArray.CreateBuilder<CatalogChange>();
                tree = tree.Update(writes, changes);

                Assert.Equal(expectedChanges, changes);
                Assert.Equal(model.Count, tree.Count);
                Assert.Equal(model.Values, Enumerate(tree));
                foreach (var key in new[] { 0, 1, 1500, 2999, 3000 })
                {
                    var k = Entry(key, 0).Key;
                    Assert.Equal(model.TryGetValue(k, out var expected), tree.TryGetValue(k, out var actual));
                    Assert.Same(expected, actual);
                }

                AssertWellFormed(tree);
            }
        });

    [Fact]
    public void FromSorted_ManyEntries_IsWellFormedAndOrdered()
    {
        var entries = Enumerable.Range(0, 50_000).Select(i => Entry(i, 1)).ToArray();

        var tree = EntryTree.FromSorted(entries);

        Assert.Equal(entries.Length, tree.Count);
        Assert.Equal(entries, Enumerate(tree));
        AssertWellFormed(tree);
        Assert.True(tree.TryGetValue(entries[31_234].Key, out var found));
        Assert.Same(entries[31_234], found);
    }

    [Fact]
    public void Update_UnchangedWrites_ReturnsSameTree()
    {
        var tree = EntryTree.FromSorted(Enumerable.Range(0, 100).Select(i => Entry(i, 1)).ToArray());
        var changes = ImmutableArray.CreateBuilder<CatalogChange>();

        var same = tree.Update([new EntryWrite(Entry(5, 1).Key, Entry(5, 1)), new EntryWrite(Entry(500, 0).Key, null)], changes);

        Assert.Same(tree, same);
        Assert.Empty(changes);
    }

    private static List<CatalogEntry> Enumerate(EntryTree tree)
    {
        var result = new List<CatalogEntry>();
        var e = tree.GetEnumerator();
        while (e.MoveNext())
        {
            result.Add(e.Current);
        }

        return result;
    }

    private static void AssertWellFormed(EntryTree tree)
    {
        var root = typeof(EntryTree).GetField("_root", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(tree) as EntryTree.Node;
        if (root is null)
        {
            Assert.Equal(0, tree.Count);
            return;
        }

        var leafDepths = new HashSet<int>();
        Check(root, 0);
        Assert.Single(leafDepths);

        void Check(EntryTree.Node node, int depth)
        {
            Assert.InRange(node.Width, 1, node is EntryTree.Leaf ? EntryTree.MaxLeaf : EntryTree.MaxBranch);
            if (node is EntryTree.Leaf leaf)
            {
                leafDepths.Add(depth);
                for (var i = 1; i < leaf.Values.Length; i++)
                {
                    Assert.True(leaf.Values[i - 1].Key < leaf.Values[i].Key);
                }

                return;
            }

            var branch = (EntryTree.Branch)node;
            Assert.Equal(branch.Children.Sum(c => c.Count), branch.Count);
            for (var i = 0; i < branch.Children.Length; i++)
            {
                Assert.Equal(branch.Children[i].MinKey, branch.MinKeys[i]);
                Assert.True(i == 0 || branch.MinKeys[i - 1] < branch.MinKeys[i]);
                Check(branch.Children[i], depth + 1);
            }
        }
    }
}
