using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Tests.ConsulDouble;

/// <summary>
/// A behaviour-faithful, in-process Consul HTTP API: real HTTP (or HTTPS) on 127.0.0.1 with an ephemeral port, served by
/// Kestrel, with Consul's semantics for the endpoints MeshInterop uses and every fault mode of the reference (§13).
/// Time comes from the injected <see cref="TimeProvider"/>, so a 5-minute blocking wait takes no real time under a fake clock.
/// </summary>
public sealed partial class FakeConsulServer : IAsyncDisposable
{
    /// <summary>The name of the node the double's own "agent" runs on; it holds the <c>consul</c> service, like a real server.</summary>
    public const string AgentNodeName = "consul-double";

    public const string Datacenter = "dc1";

    private readonly WebApplication _app;
    private readonly object _signalGate = new();
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private readonly List<DoubleRequest> _requests = [];
    private readonly List<ParkedQuery> _parked = [];
    private readonly List<string> _delayed = [];
    private long _parkedTotal;
    private readonly Random _jitter = new(1234);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;

    private FakeConsulServer(WebApplication app, TimeProvider timeProvider)
    {
        _app = app;
        TimeProvider = timeProvider;
        Faults = new ConsulDoubleFaults(timeProvider);
        SeedAgent();
    }

    public Uri Address { get; private set; } = null!;

    public TimeProvider TimeProvider { get; }

    public ConsulDoubleStore Store { get; } = new();

    public ConsulDoubleFaults Faults { get; }

    /// <summary>Gets or sets the edition the double plays (fault g).</summary>
    public DoubleEdition Edition { get; set; } = DoubleEdition.Community;

    /// <summary>Gets or sets a value indicating whether ACLs are enforced (fault e).</summary>
    public bool AclsEnabled { get; set; }

    /// <summary>Gets or sets the ACL default policy, <c>allow</c> or <c>deny</c>; sent on every answer as <c>X-Consul-Default-ACL-Policy</c>.</summary>
    public string AclDefaultPolicy { get; set; } = "deny";

    /// <summary>Gets or sets the rules of the anonymous token (used when a request has no token).</summary>
    public IReadOnlyList<AclRule> AnonymousRules { get; set; } = [];

    /// <summary>Gets or sets the Connect CA trust domain served by <c>/v1/connect/ca/roots</c>; null plays a server with Connect off (500).</summary>
    public string? ConnectTrustDomain { get; set; } = "11111111-2222-3333-4444-555555555555.consul";

    /// <summary>Gets or sets after how many <see cref="RunAntiEntropy"/> ticks services written through the catalog onto agent nodes vanish (fault f).</summary>
    public int AntiEntropyTicks { get; set; } = 1;

    internal Dictionary<string, AclToken> Tokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets every request received so far, in order.</summary>
    public IReadOnlyList<DoubleRequest> Requests
    {
        get
        {
            lock (_signalGate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts the double on 127.0.0.1 with port 0; with a certificate it serves HTTPS.</summary>
    public static async Task<FakeConsulServer> StartAsync(TimeProvider? timeProvider, CancellationToken cancellationToken, X509Certificate2? serverCertificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (serverCertificate is not null)
            {
                listen.UseHttps(serverCertificate);
            }
        }));
        var app = builder.Build();
        var server = new FakeConsulServer(app, timeProvider ?? TimeProvider.System);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Address = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal), UriKind.Absolute);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseParked();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // ---- test set-up and fault switches ------------------------------------------------------------------------------

    /// <summary>Adds a token to the ACL table.</summary>
    public void AddToken(string secretId, string accessorId, params AclRule[] rules) =>
        Tokens[secretId] = new AclToken(secretId, accessorId, IsManagement: false, rules);

    public void AddManagementToken(string secretId) =>
        Tokens[secretId] = new AclToken(secretId, "management-" + secretId.GetHashCode(StringComparison.Ordinal).ToString("x", CultureInfo.InvariantCulture), IsManagement: true, []);

    public void RemoveToken(string secretId) => Tokens.Remove(secretId);

    /// <summary>Adds a node that a Consul agent runs on: services written through the catalog onto it are removed by anti-entropy (fault f).</summary>
    public void AddAgentNode(string name, string address)
    {
        Commit(store =>
        {
            var index = store.NextIndex();
            store.Nodes[name] = new StoredNode(name, address, new(StringComparer.Ordinal) { ["lan"] = address }, new(StringComparer.Ordinal), index, index, AgentOwned: true);
            var check = new StoredCheck(name, "serfHealth", "Serf Health Status", "passing", string.Empty, "Agent alive and reachable", string.Empty, string.Empty, string.Empty, "default", index, index, WrittenByAgent: true);
            store.Checks[ConsulDoubleStore.ServiceKey(name, "serfHealth")] = check;
            store.Touch(ConsulDoubleStore.NodesTable, index);
            store.Touch(ConsulDoubleStore.ChecksTable, index);
        });
    }

    /// <summary>Registers a service the way an agent would (not through the catalog): anti-entropy keeps it.</summary>
    public void AddAgentService(string node, string id, string name, int port, params string[] tags)
    {
        Commit(store =>
        {
            var index = store.NextIndex();
            store.Services[ConsulDoubleStore.ServiceKey(node, id)] = new StoredService(node, id, name, string.Empty, [.. tags], new(StringComparer.Ordinal),
                string.Empty, port, new(StringComparer.Ordinal), 1, 1, "default", index, index, WrittenByAgent: true);
            store.TouchService(name, index);
        });
    }

    /// <summary>Fault f: one anti-entropy pass of every agent; services and checks the agents did not register themselves vanish after <see cref="AntiEntropyTicks"/> passes.</summary>
    public void RunAntiEntropy()
    {
        Commit(store =>
        {
            ulong? index = null;
            foreach (var service in store.Services.Values.Where(s => !s.WrittenByAgent && store.Nodes.TryGetValue(s.Node, out var n) && n.AgentOwned).ToList())
            {
                var ticks = service.AntiEntropyTicks + 1;
                if (ticks >= AntiEntropyTicks)
                {
                    index ??= store.NextIndex();
                    store.DeleteService(service.Node, service.Id, index.Value);
                }
                else
                {
                    store.Services[ConsulDoubleStore.ServiceKey(service.Node, service.Id)] = service with { AntiEntropyTicks = ticks };
                }
            }
        });
    }

    /// <summary>Fault a: a snapshot restore that lowers every index; parked queries return at once with the lower index.</summary>
    public void RestoreSnapshotWithLowerIndexes()
    {
        Commit(store => store.LowerIndexes(Math.Max(1, store.Index / 2)));
        ReleaseParked();
    }

    /// <summary>Fault b: wakes every parked blocking query without any change; each returns the unchanged body and index.</summary>
    public void ReleaseParked()
    {
        TaskCompletionSource released;
        lock (_signalGate)
        {
            released = _released;
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        released.TrySetResult();
    }

    /// <summary>Applies a change to the store under its lock and wakes parked queries (every Raft write does).</summary>
    public void Commit(Action<ConsulDoubleStore> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (Store.Gate)
        {
            change(Store);
        }

        SignalChange();
    }

    // ---- signals for tests: no sleeps ---------------------------------------------------------------------------------

    /// <summary>Completes once at least <paramref name="count"/> blocking queries whose path starts with <paramref name="pathPrefix"/> are parked.</summary>
    public Task WaitForParkedAsync(string pathPrefix, CancellationToken cancellationToken, int count = 1) =>
        WaitUntilAsync(() => _parked.Count(p => p.Path.StartsWith(pathPrefix, StringComparison.Ordinal)) >= count, cancellationToken);

    /// <summary>Completes once at least <paramref name="count"/> requests whose path starts with <paramref name="pathPrefix"/> have arrived.</summary>
    public Task WaitForRequestsAsync(string pathPrefix, int count, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => _requests.Count(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)) >= count, cancellationToken);

    /// <summary>Completes once a request whose path starts with <paramref name="pathPrefix"/> is being held by <see cref="ConsulDoubleFaults.DelayNext"/>.</summary>
    public Task WaitForDelayedAsync(string pathPrefix, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => _delayed.Any(p => p.StartsWith(pathPrefix, StringComparison.Ordinal)), cancellationToken);

    /// <summary>Completes once a request matching <paramref name="match"/> has arrived.</summary>
    public Task WaitForRequestAsync(Func<DoubleRequest, bool> match, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => _requests.Any(match), cancellationToken);

    /// <summary>Completes once the store satisfies <paramref name="condition"/>, checked (under the store's lock) after every write.</summary>
    public Task WaitForStoreAsync(Func<ConsulDoubleStore, bool> condition, CancellationToken cancellationToken) =>
        WaitUntilAsync(() =>
        {
            lock (Store.Gate)
            {
                return condition(Store);
            }
        }, cancellationToken);

    /// <summary>Gets how many blocking queries have parked since the double started (a cheap progress counter for benchmarks).</summary>
    public long ParkedTotal => Interlocked.Read(ref _parkedTotal);

    /// <summary>Completes once <see cref="ParkedTotal"/> reaches <paramref name="total"/>.</summary>
    public Task WaitForParkedTotalAsync(long total, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => Interlocked.Read(ref _parkedTotal) >= total, cancellationToken);

    public int RequestCount(string pathPrefix)
    {
        lock (_signalGate)
        {
            return _requests.Count(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal));
        }
    }

    public int ParkedCount(string pathPrefix)
    {
        lock (_signalGate)
        {
            return _parked.Count(p => p.Path.StartsWith(pathPrefix, StringComparison.Ordinal));
        }
    }

    private async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        TaskCompletionSource done;
        lock (_signalGate)
        {
            if (condition())
            {
                return;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, done));
        }

        await done.Task.WaitAsync(cancellationToken);
    }

    private void Pulse()
    {
        List<TaskCompletionSource> ready = [];
        lock (_signalGate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition())
                {
                    ready.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var tcs in ready)
        {
            tcs.TrySetResult();
        }
    }

    private void SignalChange()
    {
        TaskCompletionSource changed;
        lock (_signalGate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        Pulse();
    }

    private sealed record ParkedQuery(string Path, long Sequence);

    private void SeedAgent()
    {
        lock (Store.Gate)
        {
            var index = Store.NextIndex();
            Store.Nodes[AgentNodeName] = new StoredNode(AgentNodeName, "127.0.0.1", new(StringComparer.Ordinal) { ["lan"] = "127.0.0.1" },
                new(StringComparer.Ordinal) { ["consul-network-segment"] = string.Empty }, index, index, AgentOwned: true);
            Store.Services[ConsulDoubleStore.ServiceKey(AgentNodeName, "consul")] = new StoredService(AgentNodeName, "consul", "consul", string.Empty, [],
                new(StringComparer.Ordinal), string.Empty, 8300, new(StringComparer.Ordinal), 1, 1, "default", index, index, WrittenByAgent: true);
            Store.Checks[ConsulDoubleStore.ServiceKey(AgentNodeName, "serfHealth")] = new StoredCheck(AgentNodeName, "serfHealth", "Serf Health Status", "passing",
                string.Empty, "Agent alive and reachable", string.Empty, string.Empty, string.Empty, "default", index, index, WrittenByAgent: true);
            Store.Touch(ConsulDoubleStore.NodesTable, index);
            Store.TouchService("consul", index);
            Store.Touch(ConsulDoubleStore.ChecksTable, index);
        }
    }

    private static Task WritePlainAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes).AsTask();
    }
}
