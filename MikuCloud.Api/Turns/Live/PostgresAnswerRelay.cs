using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Npgsql;

namespace MikuCloud.Api.Turns.Live;

/// <summary>
/// The relay between API replicas sharing PostgreSQL, over its LISTEN/NOTIFY (no extra server: Redis arrives with
/// issue 20). All replicas listen on one channel. A reader here that follows an answer generating elsewhere asks for it
/// (<c>follow</c>); the generating replica then sends that answer's text from its start and every new piece, batched
/// every <see cref="PublishInterval"/>, split to stay under NOTIFY's 8000-byte payload, then <c>ended</c> once it is saved.
/// Stop is one notification to whichever replica has the answer. Answers nobody follows elsewhere cost nothing.
/// </summary>
public sealed partial class PostgresAnswerRelay(string connectionString, LiveAnswers live, ILogger<PostgresAnswerRelay> logger) : BackgroundService, IAnswerRelay
{
    /// <summary>The one channel every replica listens on.</summary>
    public const string Channel = "mikucloud_answers";

    /// <summary>How often the pieces of followed answers are sent (and what a remote reader waits at most for one).</summary>
    public static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(50);

    // ≤ 6 bytes per character once JSON-escaped: a piece's payload stays well under 8000 bytes.
    private const int MaxPieceChars = 1000;

    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
    private readonly ConcurrentDictionary<Guid, int> followed = new();
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<ChannelWriter<RelayedDelta>, byte>> subscribers = new();
    private readonly ConcurrentQueue<string> outgoing = new();

    /// <inheritdoc />
    public RelayedAnswerFeed Subscribe(Guid answerId)
    {
        var channel = System.Threading.Channels.Channel.CreateUnbounded<RelayedDelta>(new UnboundedChannelOptions { SingleReader = true });
        subscribers.GetOrAdd(answerId, _ => new()).TryAdd(channel.Writer, 0);
        outgoing.Enqueue(Payload("f", answerId));
        return new RelayedAnswerFeed(channel.Reader, () =>
        {
            if (subscribers.TryGetValue(answerId, out var readers))
            {
                readers.TryRemove(channel.Writer, out _);
            }
        });
    }

    /// <inheritdoc />
    public Task RequestStopAsync(Guid answerId, CancellationToken cancellationToken) => SendAsync([Payload("s", answerId)], cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(ListenAsync(stoppingToken), PublishAsync(stoppingToken));

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        dataSource.Dispose();
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Followers fall back to the saved text (a checkpoint behind) until the listener is back.
                LogListenFailed(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task PublishAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PublishInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var payloads = new List<string>();
                while (outgoing.TryDequeue(out var queued))
                {
                    payloads.Add(queued);
                }

                CollectPieces(payloads);
                if (payloads.Count > 0)
                {
                    try
                    {
                        await SendAsync(payloads, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogPublishFailed(logger, ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The new text of every followed answer live here, and <c>ended</c> for those no longer live.</summary>
    private void CollectPieces(List<string> payloads)
    {
        foreach (var (id, sent) in followed)
        {
            if (live.Get(id) is not { } answer)
            {
                followed.TryRemove(id, out _);
                payloads.Add(Payload("x", id));
                continue;
            }

            var text = answer.Text();
            for (var start = sent; start < text.Length;)
            {
                var end = Math.Min(text.Length, start + MaxPieceChars);
                if (end < text.Length && char.IsHighSurrogate(text[end - 1]))
                {
                    end--; // never split a surrogate pair
                }

                payloads.Add(Payload("d", id, end, text[start..end]));
                start = end;
            }

            followed.TryUpdate(id, text.Length, sent);
        }
    }

    private async Task SendAsync(IReadOnlyList<string> payloads, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var payload in payloads)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify($1, $2)") { Parameters = { new() { Value = Channel }, new() { Value = payload } } });
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private void Receive(string payload)
    {
        RelayMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<RelayMessage>(payload);
        }
        catch (JsonException)
        {
            return; // not ours
        }

        switch (message)
        {
            case { K: "f" } when live.Get(message.A) is not null:
                followed[message.A] = 0; // from the start: this follower may have only the last checkpoint
                break;
            case { K: "s" }:
                live.Stop(message.A);
                break;
            case { K: "d" or "x" } when subscribers.TryGetValue(message.A, out var readers):
                var delta = new RelayedDelta(message.A, message.E, message.T ?? "", Ended: message.K == "x");
                foreach (var reader in readers.Keys)
                {
                    reader.TryWrite(delta);
                }

                break;
        }
    }

    private static string Payload(string kind, Guid answerId, int end = 0, string? text = null) =>
        JsonSerializer.Serialize(new RelayMessage(kind, answerId, end, text));

    /// <summary>One notification: kind (<c>f</c>ollow, <c>d</c>elta, e<c>x</c>ited, <c>s</c>top), answer, end offset, text.</summary>
    private sealed record RelayMessage(string K, Guid A, int E, string? T);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for other replicas' answers failed (retrying in 1 s): {Reason}")]
    private static partial void LogListenFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying answers to other replicas failed: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string reason);
}
