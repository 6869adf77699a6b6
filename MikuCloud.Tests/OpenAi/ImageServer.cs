using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MikuCloud.Tests.Images;

namespace MikuCloud.Tests.OpenAi;

/// <summary>
/// A real web server on 127.0.0.1 that image URLs point at: a small red JPEG, redirects, oversized, slow and
/// non-image answers. It counts the connections made to it, so a test can prove a blocked URL was never contacted.
/// </summary>
public sealed class ImageServer : IAsyncDisposable
{
    /// <summary>Bytes of the oversized answers; tests set the fetch limit below this.</summary>
    public const int LargeBytes = 200_000;

    /// <summary>The served image: a red 64×32 photo that EXIF says to turn a quarter (orientation 6), with a GPS position.</summary>
    public static readonly byte[] RedJpeg = TestImages.InsertJpegSegment(TestImages.SolidJpeg(64, 32, TestImages.Red), TestImages.ExifApp1(6, withGps: true));

    private readonly WebApplication app;
    private int connections;

    private ImageServer(WebApplication app) => this.app = app;

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref connections);

    /// <summary>The paths requested, in order.</summary>
    public ConcurrentQueue<string> Paths { get; } = new();

    public int Port { get; private set; }

    /// <summary>A URL on this server named <paramref name="host"/> (e.g. localhost, 127.0.0.1, [::1]).</summary>
    public string Url(string path, string host = "localhost") => $"http://{host}:{Port}{path}";

    public static async Task<ImageServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ImageServer? server = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => connection =>
        {
            Interlocked.Increment(ref server!.connections);
            return next(connection);
        })));
        server = new ImageServer(builder.Build());
        server.Map();
        await server.app.StartAsync();
        server.Port = new Uri(server.app.Urls.First()).Port;
        return server;
    }

    private void Map()
    {
        app.Use((ctx, next) =>
        {
            Paths.Enqueue(ctx.Request.Path.Value ?? "");
            return next(ctx);
        });
        app.MapGet("/red.jpg", () => Results.Bytes(RedJpeg, "image/jpeg"));
        app.MapGet("/albums/{name}/red.jpg", (string name) => Results.Bytes(RedJpeg, "image/jpeg"));
        app.MapGet("/redirect", (string to) => Results.Redirect(to));
        app.MapGet("/loop", (HttpContext ctx) => Results.Redirect($"/loop?n={ctx.Request.Query["n"]}x"));
        app.MapGet("/missing.jpg", () => Results.NotFound());
        app.MapGet("/text", () => Results.Text("hello, I am not a picture", "image/png"));
        app.MapGet("/large-declared", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "image/jpeg";
            ctx.Response.ContentLength = LargeBytes;
            await WriteAsync(ctx, LargeBytes);
        });
        app.MapGet("/large-chunked", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "image/jpeg"; // no Content-Length: Kestrel sends it chunked
            await WriteAsync(ctx, LargeBytes);
        });
        app.MapGet("/slow", async (HttpContext ctx) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted);
            return Results.Bytes(RedJpeg, "image/jpeg");
        });
    }

    private static async Task WriteAsync(HttpContext ctx, int total)
    {
        var chunk = new byte[8192];
        try
        {
            for (var sent = 0; sent < total; sent += chunk.Length)
            {
                await ctx.Response.Body.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, total - sent)), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionResetException)
        {
            // The fetcher stopped reading at its limit and closed the connection: what the tests expect.
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await app.StopAsync(cts.Token);
        await app.DisposeAsync();
    }
}
