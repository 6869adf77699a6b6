using MikuCloud.AppHost;
using MikuCloud.AppHost.Ollama;

var builder = DistributedApplication.CreateBuilder(args);

// Ollama (container | local | external) and the house model created from modelfiles/.
var ollama = builder.AddMikuCloudOllama();
var chatdb = builder.AddChatDatabase();
// Accounts by default (the first visitor creates the admin); Parameters:auth-mode=SingleUser for a laptop.
var auth = builder.AddMikuCloudAuth();

var api = builder.AddProject<Projects.MikuCloud_Api>("api")
    // The API reads ConnectionStrings:ollama = "Endpoint=…;Model=miku-vl".
    .WithReference(ollama.Model, connectionName: MikuCloudOllamaExtensions.ServerName)
    .WithChatDatabase(chatdb)
    // Admission control matches what Ollama runs in parallel; keep_alive matches the server's.
    .WithEnvironment("Chat__MaxConcurrentGenerations", ollama.Settings.NumParallel)
    .WithEnvironment("Chat__KeepAlive", ollama.Settings.KeepAlive)
    .WithMikuCloudAuth(auth)
    .WithHttpHealthCheck("/health")
    .WaitFor(ollama.Model);

builder.AddProject<Projects.MikuCloud_Web>("web")
    .WithReference(api)
    .WithMikuCloudAuth(auth)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints()
    .WaitFor(api);

try
{
    builder.Build().Run();
}
catch (Exception ex) when (ex.GetBaseException() is ContainerRuntimeUnavailableException missing)
{
    // A setup problem, not a crash: say what to do, without a stack trace.
    Console.Error.WriteLine(missing.Message);
    return 1;
}

return 0;
