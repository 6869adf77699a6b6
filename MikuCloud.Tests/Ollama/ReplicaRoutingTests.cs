using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MikuCloud.Api.Chat;
using MikuCloud.Api.Models;
using MikuCloud.Api.Ollama;
using MikuCloud.Api.Ollama.Routing;
using MikuCloud.HouseModels;
using MikuCloud.Testing;
using MikuCloud.Tests.Api;

namespace MikuCloud.Tests.Ollama;

/// <summary>
/// The real API with two fake Ollama replicas (<c>Ollama:Replicas</c>); the connection string's Ollama is no replica,
/// so a turn that reached it would show. Health is polled once at start (then every ten minutes: the tests drive it).
/// </summary>
public sealed class ReplicaRoutingTests : IAsyncLifetime
{
    private readonly ApiFactory api = new();
    private readonly List<FakeOllama> replicas = [];
    private HttpClient? client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            replicas.Add((await FakeOllama.StartAsync()).WithModel("miku-vl", "qwen3-vl:8b-instruct-q4_K_M"));
            api.Settings[$"Ollama:Replicas:{i}"] = replicas[i].Endpoint.ToString();
        }

        api.Settings["Ollama:HealthPollSeconds"] = "600";
        await api.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        client?.Dispose();
        await api.DisposeAsync();
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }
    }

    private ReplicaRouter Router => api.Services.GetRequiredService<ReplicaRouter>();

    private async Task<List<SseEvent>> AskAsync(Guid conversation, string question)
    {
        client ??= api.CreateClient(); // the tests with an API of their own never start this one
        using var response = await client.SendAsync(conversation, new { content = question }, Ct);
        return await Sse.AllAsync(response, Ct);
    }

    private static List<string> Questions(FakeOllama replica) =>
        [.. replica.ChatRequests.Select(r => r["messages"]!.AsArray().Last(m => (string?)m!["role"] == "user")!["content"]!.GetValue<string>())];

    [Fact]
    public async Task Two_conversations_taking_turns_each_stay_on_their_own_replica()
    {
        using var routes = new MetricCollector<long>(api.Services.GetRequiredService<IMeterFactory>(), ChatTelemetry.Name, "mikucloud.ollama.routes");
        using var requests = new MetricCollector<long>(api.Services.GetRequiredService<IMeterFactory>(), ChatTelemetry.Name, "mikucloud.chat.requests");
        var alice = await api.NewConversationAsync();
        var bob = await api.NewConversationAsync();

        for (var turn = 0; turn < 3; turn++)
        {
            Assert.Equal(ChatStreamEvents.Done, (await AskAsync(alice, $"alice {turn}"))[^1].Name);
            Assert.Equal(ChatStreamEvents.Done, (await AskAsync(bob, $"bob {turn}"))[^1].Name);
        }

        Assert.Equal(["alice 0", "alice 1", "alice 2"], Questions(replicas[0]));
        Assert.Equal(["bob 0", "bob 1", "bob 2"], Questions(replicas[1]));
        Assert.Empty(api.Ollama.ChatRequests);
        Assert.Equal([(3L, 2L), (3L, 2L)], Router.Snapshot().Select(s => (s.Routed, s.AffinityHits)));
        Assert.Equal(4, routes.GetMeasurementSnapshot().Count(m => (string?)m.Tags[ReplicaTelemetry.RouteTag] == "affinity"));
        Assert.Equal(new[] { replicas[0].Endpoint.Authority, replicas[1].Endpoint.Authority }.Order(),
            requests.GetMeasurementSnapshot().Select(m => (string)m.Tags[ReplicaTelemetry.ReplicaTag]!).Distinct().Order());
    }

    [Fact]
    public async Task A_replica_that_answers_busy_before_streaming_has_the_turn_answered_by_another_where_the_conversation_then_stays()
    {
        replicas[0].Chat = _ => new FakeChatReply { Status = 503, ErrorBody = OllamaWire.Text("error-busy.json") };
        var alice = await api.NewConversationAsync();

        var events = await AskAsync(alice, "在吗？");
        var next = await AskAsync(alice, "还在吗？");

        Assert.Equal([ChatStreamEvents.Done, ChatStreamEvents.Done], new[] { events[^1].Name, next[^1].Name });
        Assert.Equal(["在吗？"], Questions(replicas[0]));
        Assert.Equal(["在吗？", "还在吗？"], Questions(replicas[1]));
        Assert.Equal(MessageStatus.Complete, (await api.MessagesAsync(alice))[1].Status);
        Assert.All(Router.Snapshot(), s => Assert.True(s.Healthy)); // busy is not down
    }

    [Fact]
    public async Task A_replica_refusing_connections_has_its_turns_answered_by_another_until_it_counts_as_failed_and_gets_none()
    {
        await WaitForFirstPollAsync();
        var dead = replicas[0].Endpoint;
        await replicas[0].StopAsync(); // connection refused from now on

        var answers = new List<string>();
        foreach (var question in new[] { "一", "二", "三" })
        {
            answers.Add((await AskAsync(await api.NewConversationAsync(), question))[^1].Name);
        }

        Assert.All(answers, a => Assert.Equal(ChatStreamEvents.Done, a));
        Assert.Equal(["一", "二", "三"], Questions(replicas[1]));
        // Two refused connections (the default FailuresBeforeUnhealthy): two retries, then the third turn went straight to the live one.
        Assert.Equal(2, api.Logs.Count(l => l.Contains("retrying on", StringComparison.Ordinal)));
        Assert.False(Router.Snapshot().Single(s => s.BaseAddress == dead).Healthy);
    }

    [Fact]
    public async Task A_replica_failing_mid_stream_fails_the_answer_as_before_and_is_not_retried_after_the_first_text()
    {
        replicas[0].Chat = _ => new FakeChatReply { Chunks = ["让我", "想想"], ErrorAfterChunks = "an error was encountered while running the model: unexpected EOF" };
        var alice = await api.NewConversationAsync();

        var events = await AskAsync(alice, "100天后是星期几？");

        Assert.Equal(["user", "delta", "delta", "error"], events.Select(e => e.Name));
        Assert.Equal(ProblemCodes.ModelError, events[^1].Data!["code"]!.GetValue<string>());
        var stored = await api.MessagesAsync(alice);
        Assert.Equal((MessageStatus.Failed, "让我想想"), (stored[1].Status, stored[1].Content));
        Assert.Empty(replicas[1].ChatRequests);
    }

    [Fact]
    public async Task Provisioning_a_house_model_pulls_and_creates_it_on_every_replica()
    {
        var catalog = api.Services.GetRequiredService<HouseModelCatalog>();
        var text = catalog.FindModel("miku-text")!;

        await api.Services.GetRequiredService<HouseModelProvisioning>().Start(text, text.Name).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.All(replicas, r => Assert.NotNull(r.GetModel(text.Name)?.CreateRequest));
        Assert.All(replicas, r => Assert.True(r.HasModel(text.From)));
        Assert.False(api.Ollama.HasModel(text.Name));
        Assert.Equal(ModelProgressStage.Ready, api.Services.GetRequiredService<HouseModelProvisioning>().ProgressOf(text.Name)!.Stage);
    }

    [Fact]
    public async Task The_replicas_of_a_DNS_name_are_the_addresses_it_resolves_to()
    {
        await using var byName = new ApiFactory();
        await byName.InitializeAsync();
        byName.Settings["Ollama:ReplicasDns"] = $"localhost:{replicas[1].Endpoint.Port}";
        using var dnsClient = byName.CreateClient();
        var id = await byName.NewConversationAsync();

        using var response = await dnsClient.SendAsync(id, new { content = "你好" }, Ct);

        Assert.Equal(ChatStreamEvents.Done, (await Sse.AllAsync(response, Ct))[^1].Name);
        Assert.Contains(byName.Services.GetRequiredService<ReplicaRouter>().Replicas, r => r.BaseAddress == new Uri($"http://127.0.0.1:{replicas[1].Endpoint.Port}/"));
        Assert.Equal(["你好"], Questions(replicas[1]));
        Assert.Empty(byName.Ollama.ChatRequests);
    }

    [Fact]
    public async Task The_health_poll_takes_a_stopped_replica_out_and_brings_it_back_when_it_answers_again()
    {
        await using var polled = new ApiFactory();
        await polled.InitializeAsync();
        polled.Settings["Ollama:Replicas:0"] = replicas[0].Endpoint.ToString();
        polled.Settings["Ollama:Replicas:1"] = replicas[1].Endpoint.ToString();
        polled.Settings["Ollama:HealthPollSeconds"] = "0.1";
        using var polledClient = polled.CreateClient();
        var router = polled.Services.GetRequiredService<ReplicaRouter>();
        var port = replicas[0].Endpoint.Port;

        await replicas[0].StopAsync();
        var wentDown = await UntilAsync(() => !router.Snapshot()[0].Healthy);
        await replicas[0].StartOnAsync(port);
        var cameBack = await UntilAsync(() => router.Snapshot()[0].Healthy);
        using var response = await polledClient.SendAsync(await polled.NewConversationAsync(), new { content = "回来了吗？" }, Ct);

        Assert.True(wentDown, "a stopped replica was never marked failed");
        Assert.True(cameBack, "a replica answering again was never marked healthy");
        Assert.Equal(ChatStreamEvents.Done, (await Sse.AllAsync(response, Ct))[^1].Name);
        Assert.Equal(["回来了吗？"], Questions(replicas[0]));
    }

    [Fact]
    public async Task Ollama_AffinityQueueSlots_sets_how_many_returning_turns_wait_at_their_full_replica_before_one_spills()
    {
        await using var patient = new ApiFactory();
        await patient.InitializeAsync();
        patient.Settings["Ollama:Replicas:0"] = replicas[0].Endpoint.ToString();
        patient.Settings["Ollama:Replicas:1"] = replicas[1].Endpoint.ToString();
        patient.Settings["Ollama:ReplicaSlots"] = "1";
        patient.Settings["Ollama:AffinityQueueSlots"] = "2";
        patient.Settings["Ollama:HealthPollSeconds"] = "600";
        var router = patient.Services.GetRequiredService<ReplicaRouter>();

        var leases = new List<ReplicaLease>();
        for (var turn = 0; turn < 4; turn++)
        {
            leases.Add((await router.TryRouteAsync("alice", cancellationToken: Ct))!); // each held: the slot, then two queue places
        }

        Assert.Equal([ReplicaRoute.New, ReplicaRoute.Affinity, ReplicaRoute.Affinity, ReplicaRoute.Spilled], leases.Select(l => l.Route));
        Assert.Equal([3, 1], router.Snapshot().Select(s => s.Busy));
        leases.ForEach(l => l.Dispose());
    }

    private static async Task<bool> UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25, Ct);
        }

        return condition();
    }

    /// <summary>The poll at start has asked both replicas: what follows is the turns' doing alone.</summary>
    private async Task WaitForFirstPollAsync()
    {
        _ = api.Services; // starts the API, and with it the poll
        for (var i = 0; i < 200 && !replicas.All(r => r.Paths.Contains("/api/ps")); i++)
        {
            await Task.Delay(25, Ct);
        }

        Assert.All(replicas, r => Assert.Contains("/api/ps", r.Paths));
    }
}
