using System.Globalization;
using MeshInterop.Consul.Internal.Client;

namespace MeshInterop.Consul.Internal.Import;

/// <summary>What Consul holds on one peer's synthetic node, read from the leader: the node, our services and their checks.</summary>
internal sealed class PeerNodeState(string peer, string nodeName)
{
    public string Peer { get; } = peer;

    public string NodeName { get; } = nodeName;

    /// <summary>Gets or sets the node, or null when it does not exist yet.</summary>
    public NodeInfo? Node { get; set; }

    /// <summary>Gets the services this owner wrote on the node, by ID.</summary>
    public Dictionary<string, AgentService> Services { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the checks on the node, by check ID.</summary>
    public Dictionary<string, HealthCheck> Checks { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets how many services on the node belong to someone else; a node holding any is never deleted.</summary>
    public int ForeignServices { get; set; }

    /// <summary>Gets or sets a value indicating whether ACLs hid part of the node: such a view never drives a deletion.</summary>
    public bool Partial { get; set; }

    /// <summary>Whether the node may be written by <paramref name="ownerId"/>: absent, or carrying our owner and this peer.</summary>
    public bool IsOwnedBy(string ownerId) =>
        Node is null
        || (Node.Meta is { } meta
            && meta.TryGetValue(ImportMarkers.OwnerKey, out var owner) && string.Equals(owner, ownerId, StringComparison.Ordinal)
            && meta.TryGetValue(ImportMarkers.PeerKey, out var peer) && string.Equals(peer, Peer, StringComparison.Ordinal));
}

/// <summary>
/// The part of one peer's imports a write pass covers. With <see cref="Complete"/>, <see cref="Desired"/> is everything the peer
/// should hold, and owned services of other names are deleted; otherwise only the names in <see cref="Desired"/> are touched
/// (an empty list removes the name). Names in <see cref="Keep"/> are never deleted (imports withheld for a conflict).
/// </summary>
internal sealed record PeerScope(PeerNodeState State, IReadOnlyDictionary<string, IReadOnlyList<DesiredInstance>> Desired, bool Complete,
    IReadOnlySet<string> Keep, string NodeAddress);

/// <summary>The transactions of one write pass, in the order they must be sent, and what they do.</summary>
internal sealed record ImportPlan(IReadOnlyList<IReadOnlyList<TxnOp>> Transactions, int Registered, int Updated, int Deregistered, int NodesDeleted)
{
    public static ImportPlan Empty { get; } = new([], 0, 0, 0, 0);

    public int Operations => Transactions.Sum(t => t.Count);
}

/// <summary>
/// Turns the difference between what Consul holds and what the imports should be into <c>/v1/txn</c> batches (reference §3):
/// at most <c>maxOperations</c> per transaction, every write guarded by CAS on the indexes last seen, a service and its check in
/// the same transaction. Across transactions every registration comes before every deregistration, so callers never see a
/// gap; within a transaction deletions come first, so a service ID is always freed before it is reused. Pure and deterministic.
/// </summary>
internal static class ImportPlanner
{
    // Within one transaction: node writes, then deletions, then service writes, then checks (after their service), then node deletions.
    private enum Rank
    {
        NodeWrite,
        ServiceDelete,
        ServiceWrite,
        CheckWrite,
        NodeDelete,
    }

    private sealed record Unit(int Phase, List<(Rank Rank, TxnOp Op)> Ops);

    public static ImportPlan Plan(IEnumerable<PeerScope> scopes, string ownerId, int maxOperations)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOperations, 4);
        var units = new List<Unit>();
        int registered = 0, updated = 0, deregistered = 0, nodesDeleted = 0;
        foreach (var scope in scopes.OrderBy(s => s.State.NodeName, StringComparer.Ordinal))
        {
            var state = scope.State;
            if (!state.IsOwnedBy(ownerId))
            {
                continue;
            }

            var nodeName = state.NodeName;
            var peerUnits = new List<Unit>();
            var remaining = new HashSet<string>(state.Services.Keys, StringComparer.Ordinal);
            var peerDeregistered = 0;
            var desiredIds = scope.Desired.Values.SelectMany(d => d).Select(d => d.ServiceId).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, desired) in scope.Desired.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var wanted = desired.Select(d => d.ServiceId).ToHashSet(StringComparer.Ordinal);
                foreach (var instance in desired.OrderBy(d => d.ServiceId, StringComparer.Ordinal))
                {
                    state.Services.TryGetValue(instance.ServiceId, out var existing);
                    state.Checks.TryGetValue(instance.CheckId, out var check);
                    remaining.Add(instance.ServiceId);
                    var ops = new List<(Rank, TxnOp)>();
                    if (existing is not null && !string.Equals(existing.Service, instance.ServiceName, StringComparison.OrdinalIgnoreCase))
                    {
                        // An ID stays bound to its name: free it first, in the same transaction, then register it anew.
                        ops.Add((Rank.ServiceDelete, ServiceOp("delete-cas", nodeName, new AgentService { ID = existing.ID, Service = existing.Service, ModifyIndex = existing.ModifyIndex ?? 0 })));
                        existing = null;
                        check = null;
                    }

                    if (existing is null)
                    {
                        ops.Add((Rank.ServiceWrite, ServiceOp("cas", nodeName, Service(instance, generation: 1, modifyIndex: 0))));
                        registered++;
                    }
                    else if (!SameService(existing, instance))
                    {
                        ops.Add((Rank.ServiceWrite, ServiceOp("cas", nodeName, Service(instance, GenerationOf(existing) + 1, existing.ModifyIndex ?? 0))));
                        updated++;
                    }

                    if (existing is null || check is null || !SameCheck(check, instance))
                    {
                        ops.Add((Rank.CheckWrite, CheckOp(nodeName, instance, check?.ModifyIndex ?? 0)));
                        if (existing is not null && SameService(existing, instance))
                        {
                            updated++;
                        }
                    }

                    if (ops.Count > 0)
                    {
                        peerUnits.Add(new Unit(1, ops));
                    }
                }

                foreach (var stale in state.Services.Values
                             .Where(s => string.Equals(s.Service, name, StringComparison.OrdinalIgnoreCase) && !wanted.Contains(s.ID!) && !desiredIds.Contains(s.ID!))
                             .OrderBy(s => s.ID, StringComparer.Ordinal))
                {
                    peerUnits.Add(DeleteUnit(nodeName, stale));
                    remaining.Remove(stale.ID!);
                    peerDeregistered++;
                }
            }

            if (scope.Complete && !state.Partial)
            {
                foreach (var stale in state.Services.Values
                             .Where(s => !scope.Desired.ContainsKey(s.Service) && !scope.Keep.Contains(s.Service) && !desiredIds.Contains(s.ID!)).OrderBy(s => s.ID, StringComparer.Ordinal))
                {
                    peerUnits.Add(DeleteUnit(nodeName, stale));
                    remaining.Remove(stale.ID!);
                    peerDeregistered++;
                }
            }
            else if (state.Partial)
            {
                // ACLs hid part of the node: never delete on the strength of a partial view.
                peerUnits.RemoveAll(u => u.Phase == 2);
                peerDeregistered = 0;
            }

            deregistered += peerDeregistered;

            var writes = peerUnits.Any(u => u.Phase == 1);
            if (writes && NeedsNodeWrite(state, ownerId))
            {
                units.Add(new Unit(0, [(Rank.NodeWrite, NodeOp("cas", nodeName, scope.NodeAddress, state.Node?.Address, NodeMeta(ownerId, state.Peer), state.Node?.ModifyIndex ?? 0))]));
            }

            units.AddRange(peerUnits);
            if (state.Node is not null && remaining.Count == 0 && state.ForeignServices == 0 && !state.Partial
                && (scope.Complete || state.Services.Count > 0))
            {
                // Nothing of ours is left and nobody else uses the node: unpeering removes it too.
                units.Add(new Unit(3, [(Rank.NodeDelete, NodeOp("delete-cas", nodeName, null, state.Node.Address, null, state.Node.ModifyIndex ?? 0))]));
                nodesDeleted++;
            }
        }

        return new ImportPlan(Pack(units, maxOperations), registered, updated, deregistered, nodesDeleted);
    }

    /// <summary>Packs units in phase order into transactions; each unit stays whole, and each transaction is sorted by rank.</summary>
    private static List<IReadOnlyList<TxnOp>> Pack(List<Unit> units, int maxOperations)
    {
        var transactions = new List<IReadOnlyList<TxnOp>>();
        var current = new List<(Rank Rank, TxnOp Op)>();
        foreach (var unit in units.OrderBy(u => u.Phase))
        {
            if (current.Count + unit.Ops.Count > maxOperations)
            {
                transactions.Add(Sorted(current));
                current = [];
            }

            current.AddRange(unit.Ops);
        }

        if (current.Count > 0)
        {
            transactions.Add(Sorted(current));
        }

        return transactions;

        // A stable sort: units keep their internal order (a freed ID before its reuse, a service before its check).
        static List<TxnOp> Sorted(List<(Rank Rank, TxnOp Op)> ops) => [.. ops.Select((o, i) => (o, i)).OrderBy(p => p.o.Rank).ThenBy(p => p.i).Select(p => p.o.Op)];
    }

    private static Unit DeleteUnit(string nodeName, AgentService stale) =>
        new(2, [(Rank.ServiceDelete, ServiceOp("delete-cas", nodeName, new AgentService { ID = stale.ID, Service = stale.Service, ModifyIndex = stale.ModifyIndex ?? 0 }))]);

    public static Dictionary<string, string> NodeMeta(string ownerId, string peer) => new(StringComparer.Ordinal)
    {
        [ImportMarkers.ExternalNodeKey] = "true",
        [ImportMarkers.ExternalSourceKey] = ImportMarkers.ExternalSourceValue,
        [ImportMarkers.OwnerKey] = ownerId,
        [ImportMarkers.PeerKey] = peer,
    };

    private static bool NeedsNodeWrite(PeerNodeState state, string ownerId) =>
        state.Node is null || !NodeMeta(ownerId, state.Peer).All(p => state.Node.Meta is { } meta && meta.TryGetValue(p.Key, out var v) && string.Equals(v, p.Value, StringComparison.Ordinal));

    public static ulong GenerationOf(AgentService service) =>
        service.Meta is { } meta && meta.TryGetValue(ImportMarkers.GenerationKey, out var text)
        && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var generation) ? generation : 0;

    /// <summary>Whether the stored service already says what the instance says; the generation is bookkeeping and is not compared.</summary>
    public static bool SameService(AgentService existing, DesiredInstance instance)
    {
        if (!string.Equals(existing.Service, instance.ServiceName, StringComparison.Ordinal)
            || !string.Equals(existing.Address ?? string.Empty, instance.Address, StringComparison.Ordinal)
            || existing.Port != instance.Port
            || existing.Tags is not [ImportMarkers.Tag])
        {
            return false;
        }

        var meta = existing.Meta ?? [];
        var count = meta.ContainsKey(ImportMarkers.GenerationKey) ? meta.Count - 1 : meta.Count;
        return count == instance.Meta.Count && instance.Meta.All(p => meta.TryGetValue(p.Key, out var v) && string.Equals(v, p.Value, StringComparison.Ordinal));
    }

    public static bool SameCheck(HealthCheck existing, DesiredInstance instance) =>
        string.Equals(existing.Status, instance.Status, StringComparison.Ordinal)
        && string.Equals(existing.Name, ImportMarkers.CheckName, StringComparison.Ordinal)
        && string.Equals(existing.Output ?? string.Empty, instance.Output, StringComparison.Ordinal)
        && string.Equals(existing.ServiceID, instance.ServiceId, StringComparison.Ordinal);

    private static AgentService Service(DesiredInstance instance, ulong generation, ulong modifyIndex) => new()
    {
        ID = instance.ServiceId,
        Service = instance.ServiceName,
        Address = instance.Address,
        Port = instance.Port,
        Tags = [ImportMarkers.Tag],
        Meta = new Dictionary<string, string>(instance.Meta, StringComparer.Ordinal)
        {
            [ImportMarkers.GenerationKey] = generation.ToString(CultureInfo.InvariantCulture),
        },
        Weights = new ServiceWeights { Passing = 1, Warning = 1 },
        ModifyIndex = modifyIndex,
    };

    private static TxnOp ServiceOp(string verb, string node, AgentService service) =>
        new() { Service = new TxnServiceOp { Verb = verb, Node = node, Service = service } };

    // A check created with its service must carry ServiceName: newer servers authorise it by that name (reference §3).
    private static TxnOp CheckOp(string node, DesiredInstance instance, ulong modifyIndex) => new()
    {
        Check = new TxnCheckOp
        {
            Verb = "cas",
            Check = new HealthCheck
            {
                Node = node,
                CheckID = instance.CheckId,
                Name = ImportMarkers.CheckName,
                Status = instance.Status,
                Output = instance.Output,
                ServiceID = instance.ServiceId,
                ServiceName = instance.ServiceName,
                ModifyIndex = modifyIndex,
            },
        },
    };

    private static TxnOp NodeOp(string verb, string node, string? address, string? existingAddress, Dictionary<string, string>? meta, ulong modifyIndex) => new()
    {
        Node = new TxnNodeOp
        {
            Verb = verb,
            Node = new NodeInfo { Node = node, Address = existingAddress ?? address, Meta = meta, ModifyIndex = modifyIndex },
        },
    };
}
