namespace MikuCloud.Tests.Api;

/// <summary>A test class with its own API (Kestrel on loopback), fake Ollama and SQLite file.</summary>
public abstract class ApiTest : IAsyncLifetime
{
    protected ApiFactory api { get; } = new();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings to apply before the API starts (e.g. <c>Chat:*</c> limits).</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public virtual ValueTask InitializeAsync()
    {
        Configure(api.Settings);
        return api.InitializeAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        await api.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
