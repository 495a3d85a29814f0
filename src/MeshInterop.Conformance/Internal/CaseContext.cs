using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using MeshInterop.Catalog.Validation;
using MeshInterop.Conformance.Hooks;
using MeshInterop.Protocol;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Conformance.Internal;

/// <summary>
/// Everything one case runs with: the options, the clock, the evidence it records, and the resources it opens
/// (channels, streams, the kit's owner, hook-created services, a started consumer), all released by <see cref="CleanupAsync"/>.
/// </summary>
internal sealed class CaseContext
{
    private readonly long _started;
    private readonly List<string> _evidence = [];
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<GrpcChannel> _channels = [];
    private readonly Dictionary<string, V2.FederatedService> _created = new(StringComparer.Ordinal);
    private bool _consumerStarted;
    private int _names;

    public CaseContext(ConformanceRunnerOptions options, ConformanceCapabilities capabilities, KitTls kitTls, TimeProvider time, string caseId, CancellationToken cancellation)
    {
        Options = options;
        Capabilities = capabilities;
        KitTls = kitTls;
        Time = time;
        CaseId = caseId;
        Cancellation = cancellation;
        _started = time.GetTimestamp();
        ResourceUrl = HamletResourceTypes.TypeUrl(options.EffectiveResourceVersion);
        OtherResourceUrl = HamletResourceTypes.TypeUrl(options.EffectiveResourceVersion == HamletResourceVersion.V1Alpha1 ? HamletResourceVersion.V1Alpha2 : HamletResourceVersion.V1Alpha1);
        StreamContext = options.Envelope == HamletEnvelope.V1Alpha2 ? options.ContextToken ?? "meshinterop-conformance" : string.Empty;
    }

    public ConformanceRunnerOptions Options { get; }

    public ConformanceCapabilities Capabilities { get; }

    public KitTls KitTls { get; }

    public TimeProvider Time { get; }

    public string CaseId { get; }

    public CancellationToken Cancellation { get; }

    public ConformanceTimingOptions Timing => Options.Timing;

    public HamletEnvelope Envelope => Options.Envelope;

    public HamletResourceVersion ResourceVersion => Options.EffectiveResourceVersion;

    public string ResourceUrl { get; }

    public string OtherResourceUrl { get; }

    /// <summary>Gets the v1alpha2 <c>context</c> the kit sends; empty on v1alpha1.</summary>
    public string StreamContext { get; }

    public IConformanceHook Hook => Options.Hook ?? throw new CaseOutcomeException(ConformanceOutcome.NotApplicable, "No hook is configured.");

    public IReadOnlyList<string> Evidence
    {
        get
        {
            lock (_evidence)
            {
                return [.. _evidence];
            }
        }
    }

    public TimeSpan Elapsed => Time.GetElapsedTime(_started);

    public void Note(string line)
    {
        var at = Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        lock (_evidence)
        {
            _evidence.Add($"+{at}s {line}");
        }
    }

    public static CaseOutcomeException Fail(string message) => new(ConformanceOutcome.Failed, message);

    public void Require(ConformanceCapabilities capability, string why)
    {
        if ((Capabilities & capability) != capability)
        {
            throw new CaseOutcomeException(ConformanceOutcome.NotApplicable, $"The target does not claim {capability}, which {why} needs.");
        }
    }

    /// <summary>A fresh, case-unique service name.</summary>
    public string NewName(string hint = "svc") =>
        $"conformance-{CaseId.Replace('_', '-')}-{hint}{Interlocked.Increment(ref _names).ToString(CultureInfo.InvariantCulture)}".ToLowerInvariant();

    // ---- Owner role ----------------------------------------------------------------------------------------------

    public CallInvoker Invoker(KitDial dial = KitDial.Default, Action<SocketsHttpHandler>? configure = null)
    {
        var channel = KitTls.Channel(Options.Target!, dial, configure);
        _channels.Add(channel);
        return channel.CreateCallInvoker();
    }

    public KitClientStream Open(CallInvoker invoker, string label = "stream", Metadata? headers = null, HamletEnvelope? envelope = null)
    {
        var stream = KitClientStream.Open(this, invoker, envelope ?? Envelope, headers, label);
        _owned.Add(stream);
        return stream;
    }

    /// <summary>Opens a default stream and subscribes to the run's resource type.</summary>
    public async Task<KitClientStream> SubscribeAsync(CallInvoker? invoker = null, string label = "stream", Metadata? headers = null)
    {
        var stream = Open(invoker ?? Invoker(), label, headers);
        await stream.SubscribeAsync(ResourceUrl, StreamContext).ConfigureAwait(false);
        return stream;
    }

    public async Task<V2.FederatedService> CreateAsync(string name, int revision = 1)
    {
        Require(ConformanceCapabilities.Mutation, "this case");
        var service = KitServices.Service(name, revision);
        await MutateAsync(new ConformanceMutation(ConformanceMutationKind.Create, name, KitServices.ToJson(service))).ConfigureAwait(false);
        _created[name] = service;
        return service;
    }

    public async Task<V2.FederatedService> UpdateAsync(string name, int revision)
    {
        var service = KitServices.Service(name, revision);
        await MutateAsync(new ConformanceMutation(ConformanceMutationKind.Update, name, KitServices.ToJson(service))).ConfigureAwait(false);
        _created[name] = service;
        return service;
    }

    public async Task DeleteAsync(string name)
    {
        var last = _created.TryGetValue(name, out var known) ? known : KitServices.Service(name);
        await MutateAsync(new ConformanceMutation(ConformanceMutationKind.Delete, name, KitServices.ToJson(last))).ConfigureAwait(false);
        _created.Remove(name);
    }

    public async Task<List<string>> CreateManyAsync(int count, string hint = "svc")
    {
        var names = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var name = NewName(hint);
            await CreateAsync(name).ConfigureAwait(false);
            names.Add(name);
        }

        return names;
    }

    private Task MutateAsync(ConformanceMutation mutation) =>
        CallHookAsync($"{mutation.Operation} '{mutation.Name}'", ct => Hook.MutateAsync(mutation, ct));

    /// <summary>Calls the hook under <see cref="ConformanceTimingOptions.HookTimeout"/>, noting the call as evidence.</summary>
    public async Task CallHookAsync(string what, Func<CancellationToken, Task> call)
    {
        Note("hook " + what);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        bound.CancelAfter(Timing.HookTimeout);
        await call(bound.Token).ConfigureAwait(false);
    }

    // ---- Consumer role -------------------------------------------------------------------------------------------

    public async Task<KitOwnerServer> StartServerAsync(KitDial dial = KitDial.Default)
    {
        var server = await KitOwnerServer.StartAsync(this, dial).ConfigureAwait(false);
        _owned.Add(server);
        return server;
    }

    public Task StartConsumerAsync(KitOwnerServer server)
    {
        _consumerStarted = true;
        return CallHookAsync($"start {server.Address}", ct => Hook.StartAsync(server.Address, ct));
    }

    public Task StopConsumerAsync()
    {
        _consumerStarted = false;
        return CallHookAsync("stop", Hook.StopAsync);
    }

    /// <summary>Starts the kit's owner and the target's consumer, and waits for its subscription.</summary>
    public async Task<(KitOwnerServer Server, KitServerStream Stream)> ConnectConsumerAsync(int? snapshotCount = 0)
    {
        var server = await StartServerAsync().ConfigureAwait(false);
        await StartConsumerAsync(server).ConfigureAwait(false);
        var stream = await AcceptSubscriptionAsync(server, snapshotCount, Timing.DeliveryBound).ConfigureAwait(false);
        return (server, stream);
    }

    /// <summary>Waits for the target's next stream, checks its subscription, and sends the headers.</summary>
    public async Task<KitServerStream> AcceptSubscriptionAsync(KitOwnerServer server, int? snapshotCount, TimeSpan within)
    {
        var stream = await server.AcceptAsync(within).ConfigureAwait(false)
            ?? throw Fail($"The target opened no stream to the kit's owner within {Seconds(within)}.");
        var initial = await stream.NextAsync(Timing.DeliveryBound).ConfigureAwait(false)
            ?? throw Fail("The target opened a stream but sent no initial request.");
        if (initial.Status is not null || !HamletResourceTypes.SameType(initial.ResourceUrl, ResourceUrl))
        {
            throw Fail($"The initial request should subscribe to '{ResourceUrl}' with no status; it was: {initial}.");
        }

        if (snapshotCount is { } count && (Capabilities & ConformanceCapabilities.SnapshotCount) != 0)
        {
            await stream.SendHeadersAsync(count).ConfigureAwait(false);
        }
        else
        {
            await stream.SendHeadersAsync(null).ConfigureAwait(false);
        }

        return stream;
    }

    /// <summary>Sends a kit service and returns the consumer's answer to it.</summary>
    public async Task<KitAnswer> SendAndAnswerAsync(KitServerStream stream, KitOperation operation, V2.FederatedService service, Google.Protobuf.WellKnownTypes.Any? resource = null, string? resourceId = null)
    {
        var nonce = await stream.SendAsync(operation, resourceId ?? service.Name, resource ?? KitServices.Pack(service, ResourceVersion)).ConfigureAwait(false);
        var answer = await stream.NextAsync(Timing.DeliveryBound).ConfigureAwait(false)
            ?? throw Fail($"No answer to response '{nonce}' within {Seconds(Timing.DeliveryBound)}.");
        if (!string.Equals(answer.Nonce, nonce, StringComparison.Ordinal))
        {
            throw Fail($"The answer names nonce '{answer.Nonce}', expected '{nonce}'.");
        }

        if (answer.Status is null)
        {
            throw Fail($"The answer to '{nonce}' carries no status; an ACK sets status with code 0 (2.7).");
        }

        return answer;
    }

    /// <summary>Lists the target's imports through the hook, by kit name.</summary>
    public async Task<Dictionary<string, V2.FederatedService>> ImportsAsync()
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        bound.CancelAfter(Timing.HookTimeout);
        var listed = await Hook.ListAsync(bound.Token).ConfigureAwait(false);
        var imports = new Dictionary<string, V2.FederatedService>(StringComparer.Ordinal);
        foreach (var json in listed)
        {
            V2.FederatedService service;
            try
            {
                service = KitServices.ParseJson(json);
            }
            catch (Exception ex) when (ex is Google.Protobuf.InvalidJsonException or Google.Protobuf.InvalidProtocolBufferException or FormatException)
            {
                throw new ConformanceHookException($"The hook listed a service that is not proto3 JSON of federation.types.v1alpha2.FederatedService: {ex.Message}", ex);
            }

            imports[KitServices.NameOf(service.Fqdn, service.Name, string.Empty)] = service;
        }

        Note($"hook list: [{string.Join(", ", imports.Keys.Order(StringComparer.Ordinal))}]");
        return imports;
    }

    public async Task CleanupAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            if (_owned[i] is KitClientStream stream)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        // Leave the target as the next case expects it: no kit services exported, no consumer running.
        foreach (var name in _created.Keys.ToList())
        {
            await DeleteAsync(name).ConfigureAwait(false);
        }

        if (_consumerStarted)
        {
            await StopConsumerAsync().ConfigureAwait(false);
        }

        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            if (_owned[i] is not KitClientStream)
            {
                await _owned[i].DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
