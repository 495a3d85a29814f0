using MeshInterop.Catalog.Import;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.Federation.Internal;

/// <summary>The mutable status behind <see cref="IMeshFederationStatus"/>, written by the agent, read as copies.</summary>
internal sealed class FederationStatus : IMeshFederationStatus
{
    private readonly Lock _gate = new();
    private readonly FederationAgent _agent;
    private readonly TimeProvider _time;
    private readonly MeshFederationPeerStatus[] _peers;
    private ImportView? _view;
    private bool _isLeader;

    public FederationStatus(FederationAgent agent)
    {
        _agent = agent;
        _time = agent.TimeProvider;
        _peers = [.. agent.Peers.Select(p => new MeshFederationPeerStatus { Name = p.Name })];
    }

    public event EventHandler? Changed;

    public bool IsLeader
    {
        get
        {
            lock (_gate)
                return _isLeader;
        }
    }

    public int LocalServices => _agent.Store.Local.Current.Count;

    public int ImportedServices => _agent.Store.Imports.Current.Count;

    public int Conflicts
    {
        get
        {
            lock (_gate)
                return _view?.GetConflicts().Count ?? 0;
        }
    }

    public IReadOnlyList<MeshFederationPeerStatus> Peers
    {
        get
        {
            lock (_gate)
            {
                var view = _view;
                return [.. _peers.Select(p => view is null ? p : new MeshFederationPeerStatus
                {
                    Name = p.Name,
                    State = p.State,
                    LastFullSync = p.LastFullSync,
                    LastChange = p.LastChange,
                    LastError = p.LastError,
                    Reconnects = p.Reconnects,
                    ImportedServices = view.GetPeerKeys(p.Name).Count,
                })];
            }
        }
    }

    public int ConnectedPeers
    {
        get
        {
            lock (_gate)
                return _peers.Count(p => p.State == MeshFederationPeerState.Connected);
        }
    }

    /// <summary>Starts (with a view) or ends (with <see langword="null"/>) a leadership term; every peer starts afresh.</summary>
    public void BeginTerm(ImportView? view)
    {
        Update(() =>
        {
            _view = view;
            _isLeader = view is not null;
            for (var i = 0; i < _peers.Length; i++)
                _peers[i] = new MeshFederationPeerStatus { Name = _peers[i].Name, State = view is null ? MeshFederationPeerState.Standby : MeshFederationPeerState.Connecting };
        });
    }

    public void Consumer(int peer, HamletConsumerStatus status) => Update(() =>
    {
        var current = _peers[peer];
        if (current.State == MeshFederationPeerState.Standby && !_isLeader)
            return;
        _peers[peer] = Copy(current, status.State switch
        {
            HamletConsumerState.Connected => MeshFederationPeerState.Connected,
            HamletConsumerState.WaitingToRetry => MeshFederationPeerState.WaitingToRetry,
            HamletConsumerState.Failed => MeshFederationPeerState.Failed,
            _ => MeshFederationPeerState.Connecting,
        }, status.LastError, status.Reconnects);
    });

    public void ChangeApplied(int peer)
    {
        var now = _time.GetUtcNow();
        Update(() => _peers[peer] = Copy(_peers[peer], lastChange: now));
    }

    public void Synced(int peer)
    {
        var now = _time.GetUtcNow();
        Update(() => _peers[peer] = Copy(_peers[peer], lastFullSync: now));
    }

    public void Notify() => Changed?.Invoke(this, EventArgs.Empty);

    private static MeshFederationPeerStatus Copy(MeshFederationPeerStatus p, MeshFederationPeerState state, string? error, long reconnects) => new()
    {
        Name = p.Name,
        State = state,
        LastFullSync = p.LastFullSync,
        LastChange = p.LastChange,
        LastError = error,
        Reconnects = reconnects,
    };

    private static MeshFederationPeerStatus Copy(MeshFederationPeerStatus p, DateTimeOffset? lastChange = null, DateTimeOffset? lastFullSync = null) => new()
    {
        Name = p.Name,
        State = p.State,
        LastFullSync = lastFullSync ?? p.LastFullSync,
        LastChange = lastChange ?? p.LastChange,
        LastError = p.LastError,
        Reconnects = p.Reconnects,
    };

    private void Update(Action change)
    {
        lock (_gate)
            change();
        Notify();
    }
}
