using System.Net;
using System.Net.Sockets;
using MikuCloud.Testing;

namespace MikuCloud.Tests.Security;

/// <summary>
/// Every start the apps refuse (invalid options, a broken Modelfile, the database unreachable, the port taken, a bad
/// AppHost setting) is one line on stderr and exit code 1, never a stack trace: each app runs as its own process.
/// </summary>
public sealed class StartupRefusalTests
{
    private const string Api = "MikuCloud.Api.dll", Web = "MikuCloud.Web.dll";

    [Theory]
    [InlineData(Api)]
    [InlineData(Web)]
    public async Task Accounts_mode_without_a_token_key_is_one_line_and_exit_code_1(string app)
    {
        var result = await AppProcess.RunAsync(app, new() { ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" });

        AppProcess.AssertOneLineRefusal(result, "Auth:ApiTokenKey");
    }

    [Fact]
    public async Task A_broken_Modelfile_stops_the_api_with_its_file_and_line()
    {
        var folder = Directory.CreateTempSubdirectory("mikucloud-modelfiles");
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "miku-vl.Modelfile"),
            "FROM qwen3-vl:8b-instruct-q4_K_M\nPARAMETER num_ctx 16384\nPARAMETER warp_speed 9\n", TestContext.Current.CancellationToken);

        var result = await AppProcess.RunAsync(Api, SingleUser(new() { ["Modelfiles__Path"] = folder.FullName }));

        AppProcess.AssertOneLineRefusal(result, "miku-vl.Modelfile:3:");
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task An_unreachable_database_stops_the_api_with_one_line()
    {
        var result = await AppProcess.RunAsync(Api, SingleUser(new()
        {
            ["Database__Provider"] = "postgres",
            ["ConnectionStrings__chatdb"] = $"Host=127.0.0.1;Port={LoopbackPort.Free()};Database=chat;Username=miku;Password=unused;Timeout=5",
        }));

        AppProcess.AssertOneLineRefusal(result, "The database cannot be used");
    }

    [Theory]
    [InlineData(Api)]
    [InlineData(Web)]
    public async Task A_port_in_use_stops_each_app_with_one_line(string app)
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = await AppProcess.RunAsync(app, SingleUser(new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" }));

        AppProcess.AssertOneLineRefusal(result, "address already in use");
    }

    [Fact]
    public async Task The_apphost_refuses_a_bad_setting_with_one_line()
    {
        var result = await AppProcess.RunAsync(AppProcess.AppHostDll(), new() { ["DOTNET_ENVIRONMENT"] = "Development" }, "--Ollama:Mode", "cloud");

        AppProcess.AssertOneLineRefusal(result, "Ollama:Mode='cloud' is not valid.");
    }

    [Fact]
    public async Task The_apphost_refuses_an_unknown_house_model_in_HouseModels_Enabled_with_one_line()
    {
        var result = await AppProcess.RunAsync(AppProcess.AppHostDll(), new() { ["DOTNET_ENVIRONMENT"] = "Development" },
            "--Ollama:Mode", "external", "--ConnectionStrings:ollama", "Endpoint=http://127.0.0.1:9", "--HouseModels:Enabled", "miku-text,miku-xl");

        AppProcess.AssertOneLineRefusal(result, "HouseModels:Enabled names 'miku-xl', not a house model in ");
    }

    [Fact]
    public async Task The_apphost_refuses_a_broken_Modelfile_with_its_file_and_line()
    {
        var folder = Directory.CreateTempSubdirectory("mikucloud-modelfiles");
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "miku-vl.Modelfile"), "PARAMETER num_ctx 16384\n", TestContext.Current.CancellationToken);

        var result = await AppProcess.RunAsync(AppProcess.AppHostDll(), new() { ["DOTNET_ENVIRONMENT"] = "Development" },
            "--Ollama:Mode", "external", "--ConnectionStrings:ollama", "Endpoint=http://127.0.0.1:9", "--Ollama:ModelfilesPath", folder.FullName);

        AppProcess.AssertOneLineRefusal(result, "miku-vl.Modelfile");
        folder.Delete(recursive: true);
    }

    private static Dictionary<string, string> SingleUser(Dictionary<string, string> environment)
    {
        environment["Auth__Mode"] = "SingleUser";
        environment.TryAdd("ASPNETCORE_URLS", "http://127.0.0.1:0");
        return environment;
    }
}
