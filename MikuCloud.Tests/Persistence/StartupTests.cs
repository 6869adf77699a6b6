using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MikuCloud.Api.Data;

namespace MikuCloud.Tests.Persistence;

/// <summary>What happens at API start: migrations on an empty database, and recovery after a crash.</summary>
public abstract class StartupTests
{
    protected StartupTests()
    {
        if (this is PostgresStartupTests)
        {
            PostgresTestDatabase.SkipIfUnavailable();
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract TestDatabase CreateDatabase();

    [Fact]
    public async Task Migrations_create_the_schema_on_an_empty_database()
    {
        await using var database = CreateDatabase();
        await database.CreateAsync();
        await using var api = await database.StartApiAsync();

        await api.WithDbAsync(async db =>
        {
            var all = db.Database.GetMigrations().ToList();
            Assert.NotEmpty(all);
            Assert.Equal(all, await db.Database.GetAppliedMigrationsAsync(Ct));
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
            Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration captures");
            Assert.Equal(0, await db.Conversations.CountAsync(Ct));
            Assert.Equal(0, await db.Messages.CountAsync(Ct));
            Assert.Equal(0, await db.Images.CountAsync(Ct));
            return true;
        });

        // A second start on the migrated database applies nothing and serves the same data.
        await using var again = await database.StartApiAsync();
        using var client = again.CreateClient();
        var page = await client.GetFromJsonAsync<Page<ConversationDto>>("/api/conversations", Ct);
        Assert.Empty(page!.Items);
    }

    [Fact]
    public async Task Upgrading_keeps_the_dashboard_of_the_answers_stored_before_usage_was_recorded()
    {
        await using var database = CreateDatabase();
        await database.CreateAsync();
        var now = DateTime.UtcNow;
        await using (var old = database.OpenContext())
        {
            // The schema as the release before usage records left it, with a conversation answered twice (one failed).
            var migrations = old.Database.GetMigrations().ToList();
            await old.Database.GetService<IMigrator>().MigrateAsync(migrations[migrations.IndexOf(migrations.Single(m => m.EndsWith("_AnswerUsage", StringComparison.Ordinal))) - 1], Ct);
            var conversation = new Conversation { Id = Guid.NewGuid(), Title = "before the upgrade", PresetId = "balanced", CreatedAt = now, UpdatedAt = now };
            // Written in that release's columns: today's Conversation has columns that schema lacks (its chat model).
            await old.Database.ExecuteSqlAsync($"""
                INSERT INTO "Conversations" ("Id", "Title", "PresetId", "OwnerId", "CreatedAt", "UpdatedAt", "LastSeq")
                VALUES ({conversation.Id}, {conversation.Title}, {conversation.PresetId}, {conversation.OwnerId}, {now}, {now}, {conversation.LastSeq})
                """, Ct);
            // Messages too: today's Message has columns that schema lacks (citations, its branch, a heartbeat).
            var (question, answered, failed) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
            await old.Database.ExecuteSqlAsync($"""
                INSERT INTO "Messages" ("Id", "ConversationId", "Seq", "Role", "Content", "Status", "CreatedAt")
                VALUES ({question}, {conversation.Id}, 1, {MessageRole.User}, 'q', {MessageStatus.Complete}, {now.AddMinutes(-3)})
                """, Ct);
            await old.Database.ExecuteSqlAsync($"""
                INSERT INTO "Messages" ("Id", "ConversationId", "Seq", "Role", "Content", "Status", "PresetId", "Model", "InputTokens", "OutputTokens",
                                        "TimeToFirstTokenMs", "OutputTokensPerSecond", "CreatedAt")
                VALUES ({answered}, {conversation.Id}, 2, {MessageRole.Assistant}, '', {MessageStatus.Complete}, 'balanced', 'miku-vl', 120, 30, 250.0, 40.0, {now.AddMinutes(-2)})
                """, Ct);
            await old.Database.ExecuteSqlAsync($"""
                INSERT INTO "Messages" ("Id", "ConversationId", "Seq", "Role", "Content", "Status", "PresetId", "Model", "CreatedAt")
                VALUES ({failed}, {conversation.Id}, 3, {MessageRole.Assistant}, '', {MessageStatus.Failed}, 'balanced', 'miku-vl', {now.AddMinutes(-1)})
                """, Ct);
        }

        await using var upgraded = await database.StartApiAsync(); // migrates: the backfill runs here
        using var client = upgraded.CreateClient();
        var report = await client.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/stats?window=1h", Ct);

        var totals = report!["totals"]!;
        Assert.Equal(2, totals["requests"]!.GetValue<int>());
        Assert.Equal(1, totals["complete"]!.GetValue<int>());
        Assert.Equal(1, totals["failed"]!.GetValue<int>());
        Assert.Equal(120, totals["inputTokens"]!.GetValue<long>());
        Assert.Equal(250, totals["timeToFirstTokenP50Ms"]!.GetValue<double>());
        Assert.Equal("chat", Assert.Single(report["byDoor"]!.AsArray())!["key"]!.GetValue<string>());
        Assert.Equal("balanced", Assert.Single(report["byPreset"]!.AsArray())!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_message_left_streaming_by_a_crash_is_interrupted_at_the_next_start()
    {
        await using var database = CreateDatabase();
        await database.CreateAsync();
        Guid conversationId;
        Guid streamingId;
        await using (var crashed = await database.StartApiAsync())
        {
            conversationId = await Seed.ConversationAsync(crashed, "before the crash");
            var messages = await Seed.MessagesAsync(crashed, conversationId, 4);
            streamingId = messages[3].Id;
            await crashed.WithDbAsync(async db =>
            {
                var answer = await db.Messages.SingleAsync(m => m.Id == streamingId, Ct);
                answer.Status = MessageStatus.Streaming;
                answer.Content = "部分回答，还没";
                answer.FinishReason = null;
                answer.CompletedAt = null;
                return await db.SaveChangesAsync(Ct);
            });
        }

        await using var restarted = await database.StartApiAsync();
        await using var logged = restarted.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddFakeLogging()));
        using var client = logged.CreateClient(); // a second start on the same database, with its log captured

        var page = await client.GetFromJsonAsync<Page<MessageDto>>($"/api/conversations/{conversationId}/messages", Ct);
        var answer = page!.Items.Single(m => m.Id == streamingId);
        Assert.Equal(MessageStatus.Interrupted, answer.Status);
        Assert.Equal("error", answer.FinishReason);
        Assert.Equal("部分回答，还没", answer.Content); // the partial text is kept
        Assert.Equal(ChatDatabaseInitializer.ServerRestartedCode, answer.Error!.Code);
        Assert.Contains("server restarted", answer.Error.Message, StringComparison.Ordinal);
        Assert.NotNull(answer.CompletedAt);
        Assert.All(page.Items.Where(m => m.Id != streamingId), m => Assert.Equal(MessageStatus.Complete, m.Status));

        // The first restart recovered it (and said how many); the second had nothing left to do.
        var logs = logged.Services.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(logs, r => r.Message.Contains("Recovered 0 messages", StringComparison.Ordinal));
        Assert.Equal(0, await restarted.WithDbAsync(db => db.Messages.CountAsync(m => m.Status == MessageStatus.Streaming, Ct)));
    }

    [Fact]
    public async Task An_answer_interrupted_by_a_crash_counts_in_the_stats_as_interrupted()
    {
        await using var database = CreateDatabase();
        await database.CreateAsync();
        await using (var crashed = await database.StartApiAsync())
        {
            var conversationId = await Seed.ConversationAsync(crashed, "cut short");
            var messages = await Seed.MessagesAsync(crashed, conversationId, 2);
            await crashed.WithDbAsync(db => db.Messages.Where(m => m.Id == messages[1].Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MessageStatus.Streaming).SetProperty(m => m.CreatedAt, DateTime.UtcNow.AddHours(-1)), Ct)); // older than any turn may run: orphaned on both providers
        }

        await using var restarted = await database.StartApiAsync();
        using var client = restarted.CreateClient();
        var totals = (await client.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/stats?window=24h", Ct))!["totals"]!;
        Assert.Equal(1, totals["requests"]!.GetValue<int>());
        Assert.Equal(1, totals["interrupted"]!.GetValue<int>());
    }

    [Fact]
    public async Task Recovery_logs_how_many_messages_it_closed()
    {
        await using var database = CreateDatabase();
        await database.CreateAsync();
        await using (var crashed = await database.StartApiAsync())
        {
            var conversationId = await Seed.ConversationAsync(crashed);
            var messages = await Seed.MessagesAsync(crashed, conversationId, 6);
            await crashed.WithDbAsync(db => db.Messages.Where(m => m.Role == MessageRole.Assistant)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Streaming), Ct));
        }

        await using var restarted = new Api.ApiFactory();
        database.Configure(restarted);
        await restarted.InitializeAsync();
        await using var logged = restarted.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddFakeLogging()));
        logged.StartServer();

        var record = Assert.Single(logged.Services.GetFakeLogCollector().GetSnapshot(), r => r.Message.StartsWith("Recovered", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.StartsWith("Recovered 3 message(s)", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_answer_of_another_replica_is_left_alone_on_a_shared_database()
    {
        await using var database = CreateDatabase();
        await database.CreateAsync();
        Guid recent, old;
        await using (var first = await database.StartApiAsync())
        {
            var conversationId = await Seed.ConversationAsync(first, "two replicas");
            var messages = await Seed.MessagesAsync(first, conversationId, 4);
            (old, recent) = (messages[1].Id, messages[3].Id);
            await first.WithDbAsync(async db =>
            {
                foreach (var m in db.Messages.Where(m => m.Id == old || m.Id == recent))
                {
                    m.Status = MessageStatus.Streaming;
                    m.CompletedAt = null;
                    if (m.Id == recent)
                    {
                        m.CreatedAt = Timestamps.Now(TimeProvider.System); // still being written by its replica
                    }
                }

                return await db.SaveChangesAsync(Ct);
            });
        }

        // An answer is live while its heartbeat (here: its creation, before the first) is fresher than Chat:AnswerStaleAfter;
        // a generous one, so a slow start of the second API on a loaded machine does not age the recent answer past it.
        await using var second = await database.StartApiAsync(api => api.Settings["Chat:AnswerStaleAfter"] = "00:10:00");
        var statuses = await second.WithDbAsync(db => db.Messages.Where(m => m.Id == old || m.Id == recent).ToDictionaryAsync(m => m.Id, m => m.Status, Ct));

        Assert.Equal(MessageStatus.Interrupted, statuses[old]); // older than any turn may run: orphaned
        // SQLite is one process's file: whatever streams there at startup is orphaned. PostgreSQL may be shared.
        Assert.Equal(database.Provider == "sqlite" ? MessageStatus.Interrupted : MessageStatus.Streaming, statuses[recent]);
    }
}

public sealed class SqliteStartupTests : StartupTests
{
    protected override TestDatabase CreateDatabase() => new SqliteTestDatabase();

    [Fact]
    public async Task Sqlite_runs_in_wal_mode_with_a_busy_timeout()
    {
        await using var database = new SqliteTestDatabase();
        await using var api = await database.StartApiAsync();

        await api.WithDbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode;";
            Assert.Equal("wal", await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
            command.CommandText = "PRAGMA busy_timeout;";
            Assert.Equal(10_000L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
            return true;
        });
    }

    [Fact]
    public async Task A_fresh_install_creates_the_database_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"mikucloud-fresh-{Guid.NewGuid():N}", "nested");
        try
        {
            await using var api = new Api.ApiFactory();
            api.Settings["ConnectionStrings:chatdb"] = $"Data Source={Path.Combine(folder, "chat.db")}";
            await api.InitializeAsync();
            using var client = api.CreateClient();

            using var response = await client.PostAsJsonAsync("/api/conversations", new { title = "first" }, TestContext.Current.CancellationToken);

            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
            Assert.True(File.Exists(Path.Combine(folder, "chat.db")));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }
}

public sealed class PostgresStartupTests : StartupTests
{
    protected override TestDatabase CreateDatabase() => new PostgresTestDatabase();
}
