using Microsoft.Extensions.DependencyInjection;
using MikuCloud.AppHost;
using MikuCloud.AppHost.Ollama;

try
{
    var builder = DistributedApplication.CreateBuilder(args);
    // A refused start is one line (below), not the host's logged stack trace.
    builder.Services.AddLogging(logging => logging.AddAppHostRefusalConsoleFilter());

    // Ollama (auto | container | local | external) and the house models created from modelfiles/ (HouseModels:Enabled).
    var ollama = builder.AddMikuCloudOllama();
    var chatdb = builder.AddChatDatabase();
    // Accounts by default (the first visitor creates the admin); Parameters:auth-mode=SingleUser for a laptop.
    var auth = builder.AddMikuCloudAuth();
    // Api:Replicas > 1: several API processes sharing limits, slot leases and routing through Redis.
    var scaleOut = builder.AddScaleOut();

    var api = builder.AddProject<Projects.MikuCloud_Api>("api")
        // The API reads ConnectionStrings:ollama = "Endpoint=…;Model=miku-vl".
        .WithReference(ollama.Model, connectionName: MikuCloudOllamaExtensions.ServerName)
        .WithChatDatabase(chatdb)
        // Admission control matches what Ollama runs in parallel; keep_alive matches the server's.
        .WithEnvironment("Chat__MaxConcurrentGenerations", ollama.Settings.NumParallel)
        .WithEnvironment("Chat__KeepAlive", ollama.Settings.KeepAlive)
        .WithMikuCloudAuth(auth)
        .WithHttpHealthCheck("/health")
        .WithPlainHttp()
        .WithEnabledHouseModels(ollama.Selection)
        .WithScaleOut(scaleOut)
        // Only the default model: an optional one still downloading (or failing) must not keep chat from starting.
        .WaitFor(ollama.Model);

    builder.AddProject<Projects.MikuCloud_Web>("web")
        .WithReference(api)
        // The API's address as the user's own tools reach it (OpenAI SDKs, MCP clients): shown on the Account page.
        .WithEnvironment("Api__PublicUrl", api.GetEndpoint("http"))
        .WithMikuCloudAuth(auth)
        .WithHttpHealthCheck("/health")
        .WithExternalHttpEndpoints()
        .WithPlainHttp()
        // The console says where to chat, not only where the dashboard is.
        .WithChatUrlOnConsole()
        .WaitFor(api);

    builder.Build().Run();
    return 0;
}
catch (Exception ex) when (AppHostRefusal.IsTheProcess && AppHostRefusal.Describe(ex) is { } line)
{
    // A setup problem (no container engine, a bad setting or Modelfile, a port in use), not a crash: say what to do,
    // without a stack trace.
    Console.Error.WriteLine(line);
    return 1;
}
