using System.Globalization;
using System.Text.Json;
using MikuCloud.Web.Auth;

namespace MikuCloud.Web.Api;

/// <summary>
/// What every typed client of the API shares: credentials on each request (never in a DelegatingHandler — handlers
/// live in the HttpClientFactory's scopes, which do not know the signed-in user), and problem details turned into
/// <see cref="ApiException"/>, which the credentials hear about (a 401 <c>session_expired</c> ends the session).
/// </summary>
public abstract class ApiClientBase(HttpClient http, IApiCredentials? credentials)
{
    protected Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);

    protected Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        credentials?.Apply(request);
        return http.SendAsync(request, completion, cancellationToken);
    }

    protected Task<HttpResponseMessage> SendJsonAsync<TBody>(HttpMethod method, string url, TBody body, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(method, url) { Content = JsonContent.Create(body, options: ApiJson.Options) }, cancellationToken);

    protected async Task<T?> GetAsync<T>(string url, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, url), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    protected async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureOkAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken))!;
    }

    /// <summary><see cref="EnsureSuccessAsync"/>, and the credentials hear about a refusal.</summary>
    protected async Task EnsureOkAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureSuccessAsync(response, cancellationToken);
        }
        catch (ApiException refusal)
        {
            credentials?.Refused(refusal);
            throw;
        }
    }

    /// <summary>Turns a non-success answer into an <see cref="ApiException"/> carrying the problem details and Retry-After.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        ProblemDto? problem = null;
        try
        {
            if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
            {
                problem = await response.Content.ReadFromJsonAsync<ProblemDto>(ApiJson.Options, cancellationToken);
            }
        }
        catch (JsonException)
        {
            // A proxy's HTML error page or a truncated body: the status code is all we know.
        }

        var retryAfter = RetryAfter(response) ?? (problem?.RetryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null);
        throw new ApiException(response.StatusCode, problem, retryAfter);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return response.Headers.TryGetValues("Retry-After", out var values)
               && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }
}
