using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Bunit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MikuCloud.Web.Api;
using MikuCloud.Web.Auth;
using MikuCloud.Web.Localization;
using MikuCloud.Web.Rendering;
using MikuCloud.Web.Uploads;

namespace MikuCloud.Tests.Web;

/// <summary>
/// bUnit context with the Web's services: a scripted <see cref="FakeMikuApi"/>, the real markdown renderer and
/// upload store, loose JS interop (the browser parts are covered by the Playwright tests), Chinese UI by default.
/// </summary>
public abstract class WebComponentTest : BunitContext
{
    private readonly CultureInfo originalUiCulture = CultureInfo.CurrentUICulture;
    private readonly string uploads = Path.Combine(Path.GetTempPath(), "miku-bunit-uploads-" + Guid.NewGuid().ToString("N"));

    protected WebComponentTest()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddSingleton<IMikuApi>(Api);
        Services.AddSingleton<MikuCloud.Web.Knowledge.IMikuKnowledgeApi>(KnowledgeApi);
        Services.AddSingleton<MarkdownRenderer>();
        Services.AddLocalization(options => options.ResourcesPath = UiText.ResourcesPath);
        Services.AddSingleton<UiText>();
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        Services.AddSingleton<IOptions<ImageLimits>>(Options.Create(Limits));
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Uploads:Path"] = uploads }).Build());
        Services.AddSingleton<UploadStore>();
        // Accounts mode, signed in as a plain user; tests that need someone else call SignIn.
        Services.AddSingleton(WebAuthOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "Accounts",
            ["Auth:ApiTokenKey"] = Convert.ToBase64String(new byte[32]),
        }).Build()));
        Services.AddSingleton<IHttpContextAccessor>(new HttpContextAccessor());
        Services.AddScoped<CurrentUser>();
        Services.AddSingleton(new MikuCloud.Web.Auth.EndedSessions(TimeProvider.System));
    }

    /// <summary>Makes the component's scope act for a user (as the circuit handler does in the app); without a display name, the API sends the user name.</summary>
    protected void SignIn(string id = "u1", string userName = "miku", string role = Roles.User, string? displayName = null) =>
        Services.GetRequiredService<CurrentUser>().UseCircuitUser(MikuClaims.Create(
            new SignedInUser(new UserDto(id, userName, displayName ?? userName, role, false, DateTime.UtcNow, null, true, false), "stamp-1"), "Test"));

    protected FakeMikuApi Api { get; } = new();

    /// <summary>
    /// The components' clock: noon UTC, so "today" in a test never crosses midnight (a conversation five minutes old was
    /// "yesterday" in the first five minutes of a day).
    /// </summary>
    protected Security.ManualTime Time { get; } = new(new DateTimeOffset(2026, 6, 15, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The knowledge API the page, the composer's knowledge switch and the passage dialog use: no bases unless a test adds some.</summary>
    protected Knowledge.FakeMikuKnowledgeApi KnowledgeApi { get; } = new();

    protected ImageLimits Limits { get; } = new();

    protected static void UseEnglish() => CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");

    protected override void Dispose(bool disposing)
    {
        CultureInfo.CurrentUICulture = originalUiCulture;
        base.Dispose(disposing);
    }

    protected static MessageDto Dto(string role, string content, string status = "complete", IReadOnlyList<ImageDto>? images = null,
        UsageDto? usage = null, TimingsDto? timings = null, string? presetId = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), role, content, status, status == "truncated" ? "length" : "stop", presetId, null, "miku-vl",
            images ?? [], usage, timings, null, DateTime.UtcNow, DateTime.UtcNow);

    protected static ImageDto Image(int width = 800, int height = 600) =>
        new(Guid.NewGuid(), "/api/images/x", "image/jpeg", width, height, 50_000, 480, "jpeg", width, height, 60_000);

    protected static readonly IReadOnlyList<PresetDto> Presets =
    [
        new("balanced", "miku-vl", true, new Dictionary<string, string> { ["zh"] = "均衡", ["en"] = "Balanced" }, new Dictionary<string, string> { ["zh"] = "MikuChat 默认设置", ["en"] = "MikuChat's default" },
            new Dictionary<string, System.Text.Json.JsonElement> { ["temperature"] = System.Text.Json.JsonSerializer.SerializeToElement(0.7), ["num_predict"] = System.Text.Json.JsonSerializer.SerializeToElement(1024) }),
        new("vision", "miku-vl", false, new Dictionary<string, string> { ["zh"] = "看图", ["en"] = "Vision" }, new Dictionary<string, string> { ["zh"] = "看图问答", ["en"] = "For images" },
            new Dictionary<string, System.Text.Json.JsonElement> { ["temperature"] = System.Text.Json.JsonSerializer.SerializeToElement(0.7), ["top_k"] = System.Text.Json.JsonSerializer.SerializeToElement(20) }),
    ];
}

/// <summary>A scripted API for component tests.</summary>
public sealed class FakeMikuApi : IMikuApi
{
    public List<ConversationDto> Conversations { get; } = [];

    public List<(Guid Id, UpdateConversationRequest Request)> Updates { get; } = [];

    public List<Guid> Deleted { get; } = [];

    public List<string?> Queries { get; } = [];

    public Func<OutgoingMessage, IAsyncEnumerable<ChatEvent>>? Chat { get; set; }

    /// <summary>What <see cref="GetPresetsAsync"/> answers.</summary>
    public IReadOnlyList<PresetDto> Presets { get; set; } = [];

    /// <summary>The API cannot be reached for the model state (<see cref="GetModelsAsync"/> throws).</summary>
    public bool ModelsUnreachable { get; set; }

    /// <summary>How often <see cref="GetPresetsAsync"/> was asked.</summary>
    public int PresetReads { get; private set; }

    public Task<IReadOnlyList<PresetDto>> GetPresetsAsync(CancellationToken cancellationToken = default)
    {
        PresetReads++;
        return Task.FromResult(Presets);
    }

    /// <summary>What <see cref="GetStatsAsync"/> answers.</summary>
    public StatsReport? Stats { get; set; }

    public Task<StatsReport> GetStatsAsync(string window, CancellationToken cancellationToken = default) =>
        Stats is { } report ? Task.FromResult(report) : throw new HttpRequestException("no stats scripted");

    /// <summary>What <see cref="GetModelsAsync"/> answers: the house model alone unless a test lists more.</summary>
    public IReadOnlyList<HouseModelDto> Models { get; set; } = [new HouseModelDto("miku-vl", "qwen3-vl:8b-instruct-q4_K_M", 16384, "ready", null)];

    public Task<IReadOnlyList<HouseModelDto>> GetModelsAsync(CancellationToken cancellationToken = default) =>
        ModelsUnreachable ? throw new HttpRequestException("connection refused") : Task.FromResult(Models);

    public Task<Page<ConversationDto>> ListConversationsAsync(string? query, string? cursor, int limit = 50, CancellationToken cancellationToken = default)
    {
        Queries.Add(query);
        var items = Conversations.Where(c => string.IsNullOrWhiteSpace(query) || c.Title.Contains(query, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(c => c.UpdatedAt).ToList();
        return Task.FromResult(new Page<ConversationDto>(items, null));
    }

    public Task<ConversationDto?> GetConversationAsync(Guid id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Conversations.FirstOrDefault(c => c.Id == id));

    public Task<ConversationDto> UpdateConversationAsync(Guid id, UpdateConversationRequest request, CancellationToken cancellationToken = default)
    {
        Updates.Add((id, request));
        var index = Conversations.FindIndex(c => c.Id == id);
        var updated = Conversations[index] with
        {
            Title = request.Title ?? Conversations[index].Title,
            KnowledgeBaseIds = request.KnowledgeBaseIds ?? Conversations[index].KnowledgeBaseIds,
        };
        Conversations[index] = updated;
        return Task.FromResult(updated);
    }

    public Task DeleteConversationAsync(Guid id, CancellationToken cancellationToken = default)
    {
        Deleted.Add(id);
        Conversations.RemoveAll(c => c.Id == id);
        return Task.CompletedTask;
    }

    /// <summary>Stored messages by conversation, oldest first; <see cref="GetMessagesAsync"/> pages them like the API.</summary>
    public Dictionary<Guid, List<MessageDto>> Messages { get; } = [];

    /// <summary>Every chat call, in order: <c>start</c>, <c>send {id}</c>, <c>regenerate {id} {messageId}</c>, <c>messages {id} {cursor}</c>.</summary>
    public List<string> Calls { get; } = [];

    /// <summary>What was sent, in order (also a new chat's first message).</summary>
    public List<OutgoingMessage> Sent { get; } = [];

    /// <summary>The system prompt a new chat's first message carried.</summary>
    public List<string?> StartedWithSystemPrompt { get; } = [];

    /// <summary>Answers regenerate; without it regenerate streams nothing.</summary>
    public Func<Guid, IAsyncEnumerable<ChatEvent>>? Regenerate { get; set; }

    public Task<Page<MessageDto>> GetMessagesAsync(Guid conversationId, string? before, int limit = 50, CancellationToken cancellationToken = default)
    {
        Calls.Add($"messages {conversationId} {before}");
        var all = Messages.GetValueOrDefault(conversationId) ?? [];
        var end = before is null ? all.Count : int.Parse(before, CultureInfo.InvariantCulture);
        var start = Math.Max(0, end - limit);
        return Task.FromResult(new Page<MessageDto>(all[start..end], start > 0 ? start.ToString(CultureInfo.InvariantCulture) : null));
    }

    /// <summary>The answers Stop was sent for.</summary>
    public List<Guid> Stopped { get; } = [];

    /// <summary>Like the API: the stored answer's text after the offset, then what is stored later, then done once it is no longer streaming.</summary>
    public async IAsyncEnumerable<ChatEvent> FollowAnswerAsync(Guid conversationId, Guid messageId, int offset,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Calls.Add($"follow {messageId} {offset}");
        var sent = offset;
        while (true)
        {
            var stored = Messages[conversationId].First(m => m.Id == messageId);
            if (stored.Content.Length > sent)
            {
                yield return new AnswerDelta(stored.Content[sent..]);
                sent = stored.Content.Length;
            }

            if (stored.Status != MessageStatus.Streaming)
            {
                yield return new AnswerDone(stored);
                yield break;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Like the API: the stored answer becomes cancelled.</summary>
    public Task StopAnswerAsync(Guid conversationId, Guid messageId, CancellationToken cancellationToken = default)
    {
        Calls.Add($"stop {messageId}");
        Stopped.Add(messageId);
        var list = Messages.GetValueOrDefault(conversationId) ?? [];
        var index = list.FindIndex(m => m.Id == messageId);
        if (index >= 0 && list[index].Status == MessageStatus.Streaming)
        {
            list[index] = list[index] with { Status = MessageStatus.Cancelled };
        }

        return Task.CompletedTask;
    }

    public IAsyncEnumerable<ChatEvent> SendMessageAsync(Guid conversationId, OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        Calls.Add($"send {conversationId}");
        Sent.Add(message);
        return Chat?.Invoke(message) ?? Empty();
    }

    /// <summary>
    /// Like the API: the scripted stream runs first, and only once it yields its first event is the conversation
    /// created (its title the message's first line) and announced, so a refusal before the stream creates nothing.
    /// </summary>
    public async IAsyncEnumerable<ChatEvent> StartConversationAsync(OutgoingMessage message, string? systemPrompt, string? title = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Calls.Add("start");
        Sent.Add(message);
        StartedWithSystemPrompt.Add(systemPrompt);
        await using var events = (Chat?.Invoke(message) ?? Empty()).GetAsyncEnumerator(cancellationToken);
        var any = await events.MoveNextAsync();
        var created = new ConversationDto(Guid.NewGuid(), title ?? message.Content.Split('\n')[0], message.PresetId ?? "balanced", systemPrompt,
            message.Options, DateTime.UtcNow, DateTime.UtcNow);
        Conversations.Add(created);
        yield return new ConversationStarted(created);
        while (any)
        {
            yield return events.Current;
            any = await events.MoveNextAsync();
        }
    }

    public IAsyncEnumerable<ChatEvent> RegenerateAsync(Guid conversationId, Guid messageId, string? presetId, JsonObject? options, CancellationToken cancellationToken = default)
    {
        Calls.Add($"regenerate {conversationId} {messageId}");
        return Regenerate?.Invoke(messageId) ?? Empty();
    }

    /// <summary>Answers continue; without it continue streams nothing.</summary>
    public Func<Guid, IAsyncEnumerable<ChatEvent>>? Continue { get; set; }

    public IAsyncEnumerable<ChatEvent> ContinueAsync(Guid conversationId, Guid messageId, CancellationToken cancellationToken = default)
    {
        Calls.Add($"continue {conversationId} {messageId}");
        return Continue?.Invoke(messageId) ?? Empty();
    }

    public Task<Page<MessageDto>> SwitchBranchAsync(Guid conversationId, Guid messageId, CancellationToken cancellationToken = default)
    {
        Calls.Add($"branch {conversationId} {messageId}");
        return GetMessagesAsync(conversationId, null, 50, cancellationToken);
    }

    private static async IAsyncEnumerable<ChatEvent> Empty([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        yield break;
    }
}
