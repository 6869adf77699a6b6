using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace MikuCloud.Testing;

/// <summary>
/// <c>POST /api/chat</c> as Ollama streams it: the reply <see cref="Chat"/> decides, one NDJSON line per chunk at its
/// pace (paused, failing, hanging or cut off when the reply says so), then the final line with Ollama's counts.
/// </summary>
public sealed partial class FakeOllama
{
    private async Task ChatAsync(HttpContext ctx)
    {
        var body = Body(ctx) ?? [];
        var model = body["model"]?.GetValue<string>() ?? "";
        var reply = Chat(body);
        if (reply.Status is { } status)
        {
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json; charset=utf-8";
            await ctx.Response.WriteAsync(reply.ErrorBody ?? "{\"error\":\"fake failure\"}");
            return;
        }

        if (!HasModel(model))
        {
            await NotFound(model).ExecuteAsync(ctx);
            return;
        }

        KeepLoaded(model, body);

        StartNdjson(ctx);
        var active = Interlocked.Increment(ref activeChats);
        for (var peak = Volatile.Read(ref peakActiveChats); active > peak; peak = Volatile.Read(ref peakActiveChats))
        {
            if (Interlocked.CompareExchange(ref peakActiveChats, active, peak) == peak)
            {
                break;
            }
        }

        try
        {
            if (reply.FirstChunkDelay > TimeSpan.Zero)
            {
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await Task.Delay(reply.FirstChunkDelay, ctx.RequestAborted);
            }

            if (reply.RawLines is { } raw)
            {
                foreach (var line in raw)
                {
                    await ctx.Response.WriteAsync(line + "\n", ctx.RequestAborted);
                    await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                }

                return;
            }

            var firstChunkAt = System.Diagnostics.Stopwatch.GetTimestamp();
            for (var i = 0; i < reply.Chunks.Count; i++)
            {
                if (reply.Pause is { } pause && pause.Before == i)
                {
                    await pause.Until.WaitAsync(ctx.RequestAborted);
                    firstChunkAt = System.Diagnostics.Stopwatch.GetTimestamp() - (long)(reply.ChunkDelay.TotalSeconds * i * System.Diagnostics.Stopwatch.Frequency);
                }
                else if (i > 0 && reply.ChunkDelay > TimeSpan.Zero)
                {
                    var wait = reply.PaceFromFirstChunk
                        ? reply.ChunkDelay * i - System.Diagnostics.Stopwatch.GetElapsedTime(firstChunkAt)
                        : reply.ChunkDelay;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, ctx.RequestAborted);
                    }
                }

                await Line(ctx, new JsonObject
                {
                    ["model"] = model,
                    ["created_at"] = Now(),
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.ChunkText is { } text ? text(i, reply.Chunks[i]) : reply.Chunks[i] },
                    ["done"] = false,
                });
            }

            if (reply.ErrorAfterChunks is { } error)
            {
                await Line(ctx, new JsonObject { ["error"] = error });
                return;
            }

            if (reply.FinishWhen is { } finish)
            {
                await finish.WaitAsync(ctx.RequestAborted);
            }

            if (reply.HangAfterChunks)
            {
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
            }

            var promptTokens = reply.PromptEvalCount ?? Math.Max(1, body.ToJsonString().Length / 4);
            await Line(ctx, new JsonObject
            {
                ["model"] = model,
                ["created_at"] = Now(),
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "" },
                ["done_reason"] = reply.DoneReason,
                ["done"] = true,
                ["total_duration"] = 1_268_506_709L,
                ["load_duration"] = 1_986_209L,
                ["prompt_eval_count"] = promptTokens,
                ["prompt_eval_duration"] = 359_682_000L,
                ["eval_count"] = reply.Chunks.Count,
                ["eval_duration"] = 208_285_000L,
            });
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref chatCancellations);
            ChatCancelled.Release();
        }
        catch (IOException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref chatCancellations);
            ChatCancelled.Release();
        }
        finally
        {
            Interlocked.Decrement(ref activeChats);
        }
    }
}
