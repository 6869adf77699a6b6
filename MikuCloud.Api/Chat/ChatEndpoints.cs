using System.Text.Json;
using Microsoft.Extensions.Options;
using MikuCloud.Api.Conversations;
using MikuCloud.Api.Images;
using MikuCloud.Api.Requests;

namespace MikuCloud.Api.Chat;

/// <summary><c>POST …/messages</c> and <c>POST …/messages/{messageId}/regenerate</c>: answers streamed as server-sent events.</summary>
public static class ChatEndpoints
{
    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/conversations/{id:guid}/messages").WithTags("Chat");
        var messageLimit = ChatInputReader.MaxBodyBytes(
            app.ServiceProvider.GetRequiredService<IOptions<ChatSettings>>().Value, app.ServiceProvider.GetRequiredService<IOptions<ImagePipelineOptions>>().Value);

        // A refusal is thrown as an ApiProblem and answered by ApiProblemHandler, before the stream starts.
        group.MapPost("", async (Guid id, HttpContext http, ChatInputReader reader, ChatTurnService turns) =>
            {
                var input = await reader.ReadAsync(http.Request, http.RequestAborted);
                await turns.SendAsync(id, input, http);
                return Results.Empty;
            })
            .Accepts<SendMessageRequest>("application/json", "multipart/form-data")
            .WithBodyLimit(messageLimit)
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(429).ProducesProblem(503)
            .DisableAntiforgery()
            .WithSummary("Send a message (text and images) and stream the answer.")
            .WithDescription("multipart/form-data (content, images files, presetId, options as JSON) or JSON {content, images:[{mediaType, data}], presetId, options}. " +
                             "Answers text/event-stream: event 'user' (the saved message), 'delta' {text}, then 'done' (the saved answer with status, usage, timings) " +
                             "or 'error' {code, message, messageId} (the partial answer is saved as failed). Comment lines are heartbeats. " +
                             "429 (with Retry-After) saves nothing; a 429/503 from the model server after the message was saved carries its messageId: retry with regenerate.");

        group.MapPost("/{messageId:guid}/regenerate", async (Guid id, Guid messageId, HttpContext http, ChatTurnService turns) =>
            {
                RegenerateRequest? body = null;
                var request = http.Request;
                if (request.ContentLength is > 0 || request.HasJsonContentType() || request.ContentLength is null && request.Headers.TransferEncoding.Count > 0)
                {
                    if (!request.HasJsonContentType())
                    {
                        throw new ApiProblem(415, ProblemCodes.UnsupportedMediaType, "Send the body as application/json, or send none.");
                    }

                    try
                    {
                        body = await http.Request.ReadFromJsonAsync<RegenerateRequest>(http.RequestAborted);
                    }
                    catch (JsonException ex)
                    {
                        throw JsonErrors.Malformed(ex);
                    }
                    catch (Exception ex) when (JsonErrors.IsInvalidText(ex))
                    {
                        throw JsonErrors.InvalidText(null);
                    }
                    catch (BadHttpRequestException ex) when (BadRequestBodyHandler.ToProblem(http, ex) is { } problem)
                    {
                        throw problem;
                    }

                    if ((!JsonText.IsValid(body?.PresetId) ? "presetId" : JsonText.FindInvalid(body?.Options, "options")) is { } invalid)
                    {
                        throw JsonErrors.InvalidText(invalid);
                    }
                }

                await turns.RegenerateAsync(id, messageId, body?.PresetId, body?.Options, http);
                return Results.Empty;
            })
            .Accepts<RegenerateRequest>("application/json")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(415).ProducesProblem(429).ProducesProblem(503)
            .DisableAntiforgery()
            .WithSummary("Answer the last question again (replacing the last answer), streamed like a new message.");
        return app;
    }
}
