using System.Text.Json;
using MikuCloud.Cli.Connection;
using MikuCloud.Contracts;
using Spectre.Console.Cli;

namespace MikuCloud.Cli.Chat;

/// <summary>
/// Asks one question through the native chat API and writes the answer to stdout as it streams; the conversation's id
/// goes to stderr so that stdout is the answer alone (pipeable) and a follow-up can pass <c>--conversation</c>.
/// </summary>
/// <remarks>
/// The native API rather than <c>/v1/chat/completions</c>: it takes images as multipart files (no base64 blow-up),
/// stores the conversation so <c>--conversation</c> continues it server-side, and applies presets by id.
/// Ctrl+C closes the stream, and the request asks the API to stop the model when its client goes away
/// (<c>cancelOnDisconnect=true</c>: the API's default keeps answering without a reader) and save the partial answer.
/// </remarks>
public sealed class ChatCommand : AsyncCommand<ChatSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ChatSettings settings, CancellationToken cancellationToken)
    {
        using var api = new MikuApiClient(MikuEndpoint.From(settings));
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Conversation is { } id
            ? $"api/conversations/{id}/messages?cancelOnDisconnect=true"
            : "api/conversations/messages?cancelOnDisconnect=true")
        { Content = ChatMessageForm.Create(settings) };
        using var response = await api.SendAsync(request, cancellationToken);

        var conversationId = settings.Conversation;
        var stdout = Console.Out;
        var exitCode = ExitCodes.Success;
        var answered = false;
        try
        {
            await foreach (var e in api.EventsAsync(response, cancellationToken))
            {
                switch (e.EventType)
                {
                    case ChatStreamEvents.Conversation:
                        conversationId = Parse<ConversationDto>(e.Data).Id;
                        break;
                    case ChatStreamEvents.Delta:
                        await stdout.WriteAsync(Parse<DeltaDto>(e.Data).Text);
                        await stdout.FlushAsync(cancellationToken);
                        answered = true;
                        break;
                    case ChatStreamEvents.Done:
                        answered = true;
                        break;
                    case ChatStreamEvents.Error:
                        var error = Parse<ErrorDto>(e.Data);
                        await stdout.FlushAsync(cancellationToken);
                        await Console.Error.WriteLineAsync($"{(answered ? Environment.NewLine : "")}miku: the answer stopped: {error.Message} ({error.Code})");
                        exitCode = ExitCodes.WorkFailed;
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the stream is closed, so the API stops the model and saves the answer as it stands.
            await stdout.FlushAsync(CancellationToken.None);
            await Console.Error.WriteLineAsync($"{Environment.NewLine}miku: stopped; the partial answer is saved.");
            exitCode = ExitCodes.Interrupted;
        }

        await stdout.WriteLineAsync();
        if (conversationId is { } conversation)
        {
            await Console.Error.WriteLineAsync($"conversation {conversation}  (continue: miku chat --conversation {conversation} \"…\")");
        }

        return exitCode;
    }

    private static T Parse<T>(string data) =>
        JsonSerializer.Deserialize<T>(data, ApiJson.Options) ?? throw new CliFailure(ExitCodes.Unreachable, "The API sent an empty event.");
}
