using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using MikuCloud.Contracts;

namespace MikuCloud.Cli.Connection;

/// <summary>
/// The tool's one HTTP client: the key as <c>Authorization: Bearer</c>, the contract's JSON spelling, and every way a
/// call can go wrong turned into a <see cref="CliFailure"/> with its exit code and one readable line.
/// </summary>
public sealed class MikuApiClient : IDisposable
{
    private readonly HttpClient http;

    public MikuApiClient(MikuEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        // No overall timeout: answers and batch progress stream for as long as they take; a dead host fails at connect.
        http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            BaseAddress = endpoint.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (endpoint.Key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.Key);
        }

        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("miku", typeof(MikuApiClient).Assembly.GetName().Version?.ToString(3)));
    }

    public MikuEndpoint Endpoint { get; }

    /// <summary>Sends <paramref name="request"/> and returns the response once its headers are in, or throws the refusal.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliFailure(ExitCodes.Unreachable, $"{http.BaseAddress} did not answer in time.", ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await RefusalAsync(response, cancellationToken);
            }
        }

        return response;
    }

    /// <summary>GETs <paramref name="path"/> and reads the JSON answer as <typeparamref name="T"/>.</summary>
    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        ReadAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    /// <summary>Sends <paramref name="request"/> and reads the JSON answer as <typeparamref name="T"/>.</summary>
    public async Task<T> ReadAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await SendAsync(request, cancellationToken))
        {
            try
            {
                return await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken)
                       ?? throw new CliFailure(ExitCodes.Unreachable, $"{request.RequestUri} answered with an empty body.");
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                throw Unreachable(ex);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new CliFailure(ExitCodes.Unreachable, $"{request.RequestUri} answered with something that is not MikuCloud's JSON: {ex.Message}", ex);
            }
        }
    }

    /// <summary>The server-sent events of <paramref name="response"/> as they arrive (comment-line heartbeats skipped).</summary>
    public async IAsyncEnumerable<SseItem<string>> EventsAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var events = SseParser.Create(stream).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await events.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
                {
                    throw Unreachable(ex);
                }

                yield return events.Current;
            }
        }
        finally
        {
            await events.DisposeAsync();
        }
    }

    public void Dispose() => http.Dispose();

    /// <summary>The "cannot reach the API" failure for <paramref name="ex"/>, without the key.</summary>
    public CliFailure Unreachable(Exception ex) =>
        new(ExitCodes.Unreachable, Endpoint.Mask($"Cannot reach the MikuCloud API at {http.BaseAddress}: {ex.Message}"), ex);

    private async Task<CliFailure> RefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ProblemDto? problem = null;
        try
        {
            if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
            {
                problem = await response.Content.ReadFromJsonAsync<ProblemDto>(ApiJson.Options, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or HttpRequestException or IOException)
        {
            // Not a problem document (a proxy's error page): the status says enough.
        }

        var status = (int)response.StatusCode;
        var exitCode = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? ExitCodes.Auth
            : status >= 500 ? ExitCodes.Unreachable
            : ExitCodes.Usage;
        return new CliFailure(exitCode, Endpoint.Mask(ProblemLine.Of(status, response.ReasonPhrase, problem, Endpoint)));
    }
}
