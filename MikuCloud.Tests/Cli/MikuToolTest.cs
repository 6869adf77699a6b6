using System.Net.Http.Json;
using MikuCloud.Tests.Security;

namespace MikuCloud.Tests.Cli;

/// <summary>
/// The API in accounts mode on a real port with the fake Ollama, a user with a personal key, and a scratch folder:
/// everything the <c>miku</c> tool needs to run against it as a process.
/// </summary>
public abstract class MikuToolTest : AccountsApiTest
{
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("miku-cli-");

    /// <summary>A folder of the test's own, the tool's working directory.</summary>
    protected string Folder => scratch.FullName;

    /// <summary>The admin's new personal key (<c>mkc_…</c>), as a user creates it on the Account page.</summary>
    protected async Task<string> KeyAsync()
    {
        var admin = await SetupAdminAsync();
        using var session = As(admin);
        using var created = await session.PostAsJsonAsync("/api/keys", new { name = "miku cli" }, Ct);
        return (await created.Content.ReadFromJsonAsync<CreatedApiKey>(Ct))!.Key;
    }

    /// <summary><c>MIKU_URL</c> (this test's API) and <c>MIKU_KEY</c>.</summary>
    protected Dictionary<string, string> Environment(string key)
    {
        using var probe = api.CreateClient(); // starts the server and tells its address
        return new() { ["MIKU_URL"] = probe.BaseAddress!.ToString(), ["MIKU_KEY"] = key };
    }

    /// <summary>Runs <c>miku</c> against this test's API with <paramref name="key"/>.</summary>
    protected async Task<(int ExitCode, string Stdout, string Stderr)> MikuAsync(string key, params string[] args) =>
        await MikuProcess.RunAsync(Environment(key), Folder, args);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            scratch.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A process killed mid-write may still hold a file for a moment; the temp folder is the OS's to clean.
        }
    }
}
