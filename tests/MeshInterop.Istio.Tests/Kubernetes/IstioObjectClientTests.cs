using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using MeshInterop.Istio.Internal.Kubernetes;
using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Telemetry;
using MeshInterop.Istio.Tests.Resources;
using MeshInterop.Istio.Validation;
using MeshInterop.Testing.FakeKubernetes;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Istio.Tests.Kubernetes;

/// <summary>Contract tests: the real KubernetesClient against the loopback fake API server, through the adapter's client.</summary>
public sealed class IstioObjectClientTests
{
    private const string Group = "networking.istio.io";

    private static IstioObjectClient NewClient(k8s.Kubernetes kubernetes, RecordingLogger? logger = null) =>
        new(kubernetes, new FakeTimeProvider(), logger ?? new RecordingLogger());

    private static ServiceEntry Entry(string name, string host, params string[] exportTo) => new()
    {
        Metadata = new() { Name = name, Namespace = "mesh-imports", Labels = WorkedExample.Labels("import", "west", "3f9a1c2e") },
        Spec = new()
        {
            Hosts = [host],
            Location = ServiceEntryLocation.MeshInternal,
            Resolution = ServiceEntryResolution.Static,
            Ports = [new() { Number = 9080, Name = "http-9080", Protocol = "HTTP" }],
            ExportTo = exportTo,
        },
    };

    [Fact]
    public async Task ApplyAsync_NewObject_SendsServerSideApplyWithStrictValidation()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        using var kubernetes = FakeIstioCluster.Client(server);

        var result = await NewClient(kubernetes).ApplyAsync(WorkedExample.ImportServiceEntry(), IstioApiVersion.V1, dryRun: false, ct);

        Assert.True(result.Created);
        var request = Assert.Single(server.Requests, r => r.Method == "PATCH");
        Assert.Equal("/apis/networking.istio.io/v1/namespaces/mesh-imports/serviceentries/mi-se-reviews-bookinfo-west-3f9a1c2e", request.Path);
        Assert.StartsWith("application/apply-patch+yaml", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("meshinterop", request.Query["fieldManager"]);
        Assert.Equal("true", request.Query["force"]);
        Assert.Equal("Strict", request.Query["fieldValidation"]);
        Assert.False(request.Query.ContainsKey("dryRun"));

        var stored = server.Get(Group, "serviceentries", "mesh-imports", "mi-se-reviews-bookinfo-west-3f9a1c2e")!;
        Assert.Equal("meshinterop", (string?)stored["metadata"]!["managedFields"]![0]!["manager"]);
        Assert.True(JsonNode.DeepEquals(WorkedExample.ImportServiceEntry().ToJsonObject(IstioApiVersion.V1)["spec"], stored["spec"]));
        Assert.Equal((string?)stored["metadata"]!["uid"], (string?)result.Object["metadata"]!["uid"]);
    }

    [Fact]
    public async Task ApplyAsync_SameObjectTwice_SecondWritesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        using var kubernetes = FakeIstioCluster.Client(server);
        var client = NewClient(kubernetes);

        var first = await client.ApplyAsync(WorkedExample.ImportServiceEntry(), IstioApiVersion.V1, dryRun: false, ct);
        var versionAfterFirst = server.CurrentResourceVersion;
        var second = await client.ApplyAsync(WorkedExample.ImportServiceEntry(), IstioApiVersion.V1, dryRun: false, ct);

        Assert.False(second.Created);
        Assert.Equal(versionAfterFirst, server.CurrentResourceVersion);
        Assert.Equal((string?)first.Object["metadata"]!["resourceVersion"], (string?)second.Object["metadata"]!["resourceVersion"]);
    }

    [Fact]
    public async Task ApplyAsync_FieldNoLongerSent_RemovedByServer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        using var kubernetes = FakeIstioCluster.Client(server);
        var client = NewClient(kubernetes);

        await client.ApplyAsync(Entry("mi-se-a", "a.example", "consumers"), IstioApiVersion.V1, dryRun: false, ct);
        var updated = await client.ApplyAsync(Entry("mi-se-a", "a.example"), IstioApiVersion.V1, dryRun: false, ct);

        Assert.Null(updated.Object["spec"]!["exportTo"]);
        Assert.Equal(2L, (long?)updated.Object["metadata"]!["generation"]);
    }

    [Fact]
    public async Task ApplyAsync_FieldOwnedByAnotherManager_ForceTakesItOver()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        using var kubernetes = FakeIstioCluster.Client(server);
        var theirs = Entry("mi-se-a", "theirs.example").ToJsonObject(IstioApiVersion.V1);
        server.Seed("serviceentries", theirs, manager: "kubectl-edit");

        var result = await NewClient(kubernetes).ApplyAsync(Entry("mi-se-a", "a.example"), IstioApiVersion.V1, dryRun: false, ct);

        Assert.Equal("a.example", (string?)result.Object["spec"]!["hosts"]![0]);
        var managers = result.Object["metadata"]!["managedFields"]!.AsArray();
        var kubectl = managers.Single(m => (string?)m!["manager"] == "kubectl-edit")!;
        Assert.Null(kubectl["fieldsV1"]!["f:spec"]?["f:hosts"]);
        Assert.NotNull(managers.Single(m => (string?)m!["manager"] == "meshinterop")!["fieldsV1"]!["f:spec"]!["f:hosts"]);
    }

    [Fact]
    public async Task Patch_ConflictWithoutForce_409WithFieldManagerConflictCauses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        using var kubernetes = FakeIstioCluster.Client(server);
        server.Seed("serviceentries", Entry("mi-se-a", "theirs.example").ToJsonObject(IstioApiVersion.V1), manager: "kubectl-edit");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => kubernetes.CustomObjects.PatchNamespacedCustomObjectWithHttpMessagesAsync(
            new V1Patch(Entry("mi-se-a", "a.example").ToJson(IstioApiVersion.V1), V1Patch.PatchType.ApplyPatch),
            Group, "v1", "mesh-imports", "serviceentries", "mi-se-a", fieldManager: "meshinterop", force: false, cancellationToken: ct));

        var mapped = KubernetesApiException.From(error, "Apply");
        Assert.Equal(HttpStatusCode.Conflict, mapped.StatusCode);
        Assert.Equal("Conflict", mapped.Reason);
        var cause = Assert.Single(mapped.Causes);
        Assert.Equal(".spec.hosts", cause.Field);
        Assert.Equal("FieldManagerConflict", cause.Reason);
        Assert.Equal("theirs.example", (string?)server.Get(Group, "serviceentries", "mesh-imports", "mi-se-a")!["spec"]!["hosts"]![0]);
    }

    [Fact]
    public async Task ApplyAsync_AdmissionRejects_Throws422WithCausesAndStoresNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        server.Admission = WebhookAdmission;
        using var kubernetes = FakeIstioCluster.Client(server);
        var invalid = Entry("mi-se-a", "foo*.example");

        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => NewClient(kubernetes).ApplyAsync(invalid, IstioApiVersion.V1, dryRun: false, ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.StatusCode);
        Assert.Equal("Invalid", error.Reason);
        Assert.Contains(error.Causes, c => c.Field == "spec.hosts[0]" && c.Message!.Contains("invalid", StringComparison.Ordinal));
        Assert.Null(server.Get(Group, "serviceentries", "mesh-imports", "mi-se-a"));
    }

    [Fact]
    public async Task ApplyAsync_AdmissionWarns_WarningsReturnedAndLogged()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        server.Admission = WebhookAdmission;
        using var kubernetes = FakeIstioCluster.Client(server);
        var logger = new RecordingLogger();

        var result = await NewClient(kubernetes, logger).ApplyAsync(Entry("mi-se-a", "*x.example"), IstioApiVersion.V1, dryRun: false, ct);

        var warning = Assert.Single(result.Warnings);
        Assert.Contains("partial wildcard", warning, StringComparison.Ordinal);
        var record = Assert.Single(logger.Records, r => r.Id.Id == 4001);
        Assert.Equal("ApplyWarning", record.Id.Name);
        Assert.Contains("mesh-imports/mi-se-a", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_DryRun_ValidatedButNotStored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        using var kubernetes = FakeIstioCluster.Client(server);

        await NewClient(kubernetes).ApplyAsync(Entry("mi-se-a", "a.example"), IstioApiVersion.V1, dryRun: true, ct);

        Assert.Equal("All", Assert.Single(server.Requests, r => r.Method == "PATCH").Query["dryRun"]);
        Assert.Null(server.Get(Group, "serviceentries", "mesh-imports", "mi-se-a"));
    }

    [Fact]
    public async Task ApplyAsync_V1Beta1OnIstio120_ServedInThatVersion()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartIstio120Async(ct);
        using var kubernetes = FakeIstioCluster.Client(server);

        var result = await NewClient(kubernetes).ApplyAsync(WorkedExample.RatingsPeerAuthentication(), IstioApiVersion.V1Beta1, dryRun: false, ct);
        Assert.Equal("security.istio.io/v1beta1", (string?)result.Object["apiVersion"]);

        var missing = await Assert.ThrowsAsync<KubernetesApiException>(() =>
            NewClient(kubernetes).ApplyAsync(WorkedExample.RatingsPeerAuthentication(), IstioApiVersion.V1, dryRun: false, ct));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ListAsync_LabelSelector_OnlyMatchingObjects()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        using var kubernetes = FakeIstioCluster.Client(server);
        var client = NewClient(kubernetes);
        await client.ApplyAsync(Entry("mi-se-a", "a.example"), IstioApiVersion.V1, dryRun: false, ct);
        await client.ApplyAsync(Entry("mi-se-b", "b.example"), IstioApiVersion.V1, dryRun: false, ct);
        var foreign = Entry("users-own", "c.example").ToJsonObject(IstioApiVersion.V1);
        foreign["metadata"]!.AsObject().Remove("labels");
        server.Seed("serviceentries", foreign, manager: "kubectl");

        var owned = await client.ListAsync(IstioResourceType.ServiceEntry, IstioApiVersion.V1, "mesh-imports", "app.kubernetes.io/managed-by=meshinterop,meshinterop.io/peer in (west)", ct);
        var everything = await client.ListAsync(IstioResourceType.ServiceEntry, IstioApiVersion.V1Beta1, null, null, ct);

        Assert.Equal(["mi-se-a", "mi-se-b"], owned.Items.Select(i => (string?)i["metadata"]!["name"]));
        Assert.Equal(3, everything.Items.Count);
        Assert.All(everything.Items, i => Assert.Equal("networking.istio.io/v1beta1", (string?)i["apiVersion"]));
        Assert.Equal(server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), owned.ResourceVersion);
    }

    [Fact]
    public async Task DeleteAsync_UidPrecondition_DeletesOnlyThatIncarnation()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        using var kubernetes = FakeIstioCluster.Client(server);
        var client = NewClient(kubernetes);
        var applied = await client.ApplyAsync(Entry("mi-se-a", "a.example"), IstioApiVersion.V1, dryRun: false, ct);
        var uid = (string)applied.Object["metadata"]!["uid"]!;

        var conflict = await Assert.ThrowsAsync<KubernetesApiException>(() =>
            client.DeleteAsync(IstioResourceType.ServiceEntry, IstioApiVersion.V1, "mesh-imports", "mi-se-a", "another-uid", ct));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains("Precondition failed", conflict.Message, StringComparison.Ordinal);
        Assert.NotNull(server.Get(Group, "serviceentries", "mesh-imports", "mi-se-a"));

        Assert.True(await client.DeleteAsync(IstioResourceType.ServiceEntry, IstioApiVersion.V1, "mesh-imports", "mi-se-a", uid, ct));
        Assert.Null(server.Get(Group, "serviceentries", "mesh-imports", "mi-se-a"));
        Assert.False(await client.DeleteAsync(IstioResourceType.ServiceEntry, IstioApiVersion.V1, "mesh-imports", "mi-se-a", uid, ct));
    }

    [Fact(Timeout = 30_000)]
    public async Task WatchAsync_EventsBookmarkAndGone_ResumesAndRelists()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        using var kubernetes = FakeIstioCluster.Client(server);
        var logger = new RecordingLogger();
        var client = NewClient(kubernetes, logger);
        await client.ApplyAsync(Entry("mi-se-a", "a.example"), IstioApiVersion.V1, dryRun: false, ct);

        await using var events = client.WatchAsync(IstioResourceType.ServiceEntry, IstioApiVersion.V1, "mesh-imports", "app.kubernetes.io/managed-by=meshinterop", ct).GetAsyncEnumerator(ct);

        // 1. The initial list.
        var first = await Next(events);
        Assert.Equal(IstioWatchEventType.Resynced, first.Type);
        Assert.Equal(["mi-se-a"], first.Items.Select(i => (string?)i["metadata"]!["name"]));

        // 2. A live event on the watch opened from the list's resourceVersion. The iterator opens the watch only
        //    when asked for the next event, so ask first and wait for the server to see the watch.
        var next = Next(events);
        await server.WaitForWatchesAsync(1, ct);
        var watchRequest = server.Requests.Last(r => r.Query.GetValueOrDefault("watch") == "true");
        Assert.Equal(first.ResourceVersion, watchRequest.Query["resourceVersion"]);
        Assert.Equal("true", watchRequest.Query["allowWatchBookmarks"]);
        await client.ApplyAsync(Entry("mi-se-b", "b.example"), IstioApiVersion.V1, dryRun: false, ct);
        var added = await next;
        Assert.Equal(IstioWatchEventType.Added, added.Type);
        Assert.Equal("mi-se-b", (string?)added.Object!["metadata"]!["name"]);

        // 3. A change the selector excludes moves the server's version on; a bookmark carries it to the client,
        //    and the watch the server then closes resumes from the bookmark, not from the last event.
        next = Next(events);
        var foreign = Entry("users-own", "c.example").ToJsonObject(IstioApiVersion.V1);
        foreign["metadata"]!.AsObject().Remove("labels");
        server.Seed("serviceentries", foreign, manager: "kubectl");
        var bookmarkVersion = server.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await server.WaitForWatchesAsync(1, ct);
        server.SendBookmarks();
        server.CloseWatches();
        await server.WaitForWatchesAsync(1, ct);
        Assert.Equal(bookmarkVersion, server.Requests.Last(r => r.Query.GetValueOrDefault("watch") == "true").Query["resourceVersion"]);

        // 4. An event on the resumed watch, then history compacted and the watch expired (410 Gone): the client
        //    lists again and says so.
        await client.DeleteAsync(IstioResourceType.ServiceEntry, IstioApiVersion.V1, "mesh-imports", "mi-se-a", (string)server.Get(Group, "serviceentries", "mesh-imports", "mi-se-a")!["metadata"]!["uid"]!, ct);
        var deleted = await next;
        Assert.Equal(IstioWatchEventType.Deleted, deleted.Type);
        Assert.Equal("mi-se-a", (string?)deleted.Object!["metadata"]!["name"]);
        next = Next(events);
        await server.WaitForWatchesAsync(1, ct);
        server.ExpireWatches();
        var resynced = await next;
        Assert.Equal(IstioWatchEventType.Resynced, resynced.Type);
        Assert.Equal(["mi-se-b"], resynced.Items.Select(i => (string?)i["metadata"]!["name"]));

        // 5. Watching resumes from the new list.
        next = Next(events);
        await server.WaitForWatchesAsync(1, ct);
        await client.ApplyAsync(Entry("mi-se-b", "b.example", "consumers"), IstioApiVersion.V1, dryRun: false, ct);
        var modified = await next;
        Assert.Equal(IstioWatchEventType.Modified, modified.Type);
        Assert.Contains(logger.Records, r => r.Id.Id == 4002);
    }

    [Fact(Timeout = 30_000)]
    public async Task WatchAsync_AllNamespaces_SeesEveryNamespace()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        using var kubernetes = FakeIstioCluster.Client(server);
        var client = NewClient(kubernetes);
        await using var events = client.WatchAsync(IstioResourceType.PeerAuthentication, IstioApiVersion.V1, ns: null, labelSelector: null, ct).GetAsyncEnumerator(ct);

        Assert.Empty((await Next(events)).Items);
        var next = Next(events);
        await server.WaitForWatchesAsync(1, ct);
        Assert.Equal("/apis/security.istio.io/v1/peerauthentications", server.Requests.Last(r => r.Query.GetValueOrDefault("watch") == "true").Path);
        await client.ApplyAsync(WorkedExample.RatingsPeerAuthentication(), IstioApiVersion.V1, dryRun: false, ct);
        var added = await next;
        Assert.Equal(IstioWatchEventType.Added, added.Type);
        Assert.Equal("bookinfo", (string?)added.Object!["metadata"]!["namespace"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task WatchAsync_StartFromCompactedVersion_RelistsInsteadOfFailing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        using var kubernetes = FakeIstioCluster.Client(server);
        var client = NewClient(kubernetes);
        await client.ApplyAsync(Entry("mi-se-a", "a.example"), IstioApiVersion.V1, dryRun: false, ct);

        // The raw client sees the 410 as an ERROR event carrying a Status.
        var list = await client.ListAsync(IstioResourceType.ServiceEntry, IstioApiVersion.V1, "mesh-imports", null, ct);
        await client.ApplyAsync(Entry("mi-se-b", "b.example"), IstioApiVersion.V1, dryRun: false, ct);
        server.CompactHistory();
        Exception? error = null;
        var raw = new List<WatchEventType>();
        await foreach (var (type, _) in kubernetes.CustomObjects.WatchListNamespacedCustomObjectAsync(
            Group, "v1", "mesh-imports", "serviceentries", resourceVersion: list.ResourceVersion, onError: e => error = e, cancellationToken: ct))
            raw.Add(type);
        Assert.True(raw.Contains(WatchEventType.Error) || error is KubernetesException { Status.Code: 410 }, $"events: {string.Join(",", raw)}; error: {error}");
    }

    [Fact]
    public async Task Requests_CountedByOperationKindAndOutcome()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeIstioCluster.StartCurrentAsync(ct);
        server.Admission = WebhookAdmission;
        using var kubernetes = FakeIstioCluster.Client(server);
        using var meters = new TestMeterFactory();
        var client = new IstioObjectClient(kubernetes, new FakeTimeProvider(), new RecordingLogger(), new IstioMetrics(meters));

        await client.ApplyAsync(Entry("mi-se-a", "*x.example"), IstioApiVersion.V1, dryRun: false, ct);
        await Assert.ThrowsAsync<KubernetesApiException>(() => client.ApplyAsync(Entry("mi-se-b", "foo*.example"), IstioApiVersion.V1, dryRun: false, ct));
        await Assert.ThrowsAsync<KubernetesApiException>(() => client.DeleteAsync(IstioResourceType.ServiceEntry, IstioApiVersion.V1, "mesh-imports", "mi-se-a", "wrong-uid", ct));
        Assert.False(await client.DeleteAsync(IstioResourceType.ServiceEntry, IstioApiVersion.V1, "mesh-imports", "absent", "uid", ct));

        var requests = meters.Measurements.Where(m => m.Instrument == "meshinterop.istio.api.requests").ToList();
        Assert.All(requests, m => Assert.Equal("{request}", m.Unit));
        Assert.Equal(
            ["apply/success", "apply/invalid", "delete/conflict", "delete/not_found"],
            requests.Select(m => $"{m.Tags["meshinterop.istio.operation"]}/{m.Tags["meshinterop.istio.outcome"]}"));
        Assert.All(requests, m => Assert.Equal("ServiceEntry", m.Tags["meshinterop.istio.kind"]));
        var warnings = Assert.Single(meters.Measurements, m => m.Instrument == "meshinterop.istio.api.warnings");
        Assert.Equal(1, warnings.Value);
    }

    private static async Task<IstioWatchEvent> Next(IAsyncEnumerator<IstioWatchEvent> events)
    {
        Assert.True(await events.MoveNextAsync(), "the watch ended");
        return events.Current;
    }

    private static AdmissionOutcome WebhookAdmission(AdmissionRequest request)
    {
        var result = IstioWebhookValidator.Validate(request.Resource);
        return new AdmissionOutcome
        {
            Causes = [.. result.Errors.Select(e => (e.Path, e.Message, "FieldValueInvalid"))],
            Warnings = [.. result.Warnings.Select(w => w.ToString())],
        };
    }
}
